"""The local runner's environment patch: only the function's keys change and come back."""

from __future__ import annotations

import os

import pytest

from chatmod_local.invoke import patched_environ


def test_only_the_patched_keys_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATMOD_TEST_KEPT", "before")
    monkeypatch.delenv("CHATMOD_TEST_NEW", raising=False)
    with patched_environ({"CHATMOD_TEST_KEPT": "during", "CHATMOD_TEST_NEW": "during"}):
        assert os.environ["CHATMOD_TEST_KEPT"] == "during"
        os.environ["CHATMOD_TEST_OTHER"] = "set by another thread meanwhile"
    assert os.environ["CHATMOD_TEST_KEPT"] == "before"
    assert "CHATMOD_TEST_NEW" not in os.environ
    assert os.environ.pop("CHATMOD_TEST_OTHER") == "set by another thread meanwhile"
