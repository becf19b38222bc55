"""What Lambda's Python runtime ships besides the standard library, for loading a built package
the way Lambda does (in a bare ``python -S`` beside the layers)."""

from __future__ import annotations

from pathlib import Path


def runtime_dir(folder: Path) -> Path:
    """``folder`` holding links to boto3 and the packages it needs, from this environment."""
    import boto3
    import botocore
    import dateutil
    import jmespath
    import s3transfer
    import six
    import urllib3

    folder.mkdir(parents=True, exist_ok=True)
    for module in (boto3, botocore, s3transfer, jmespath, dateutil, urllib3):
        source = Path(str(module.__file__)).parent
        (folder / source.name).symlink_to(source)
    (folder / "six.py").symlink_to(Path(str(six.__file__)))
    return folder
