"""Handler-facing name kept from before the languages had a package: see
``chatmod.languages``."""

from chatmod.languages.detect import LangidDetector

__all__ = ["LangidDetector"]
