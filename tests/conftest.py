"""Shared fixtures: the default policy and a reviewer that runs the rules without a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatmod.policy import PolicyFile, load_policy
from chatmod.review import Reviewer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def default_policy() -> PolicyFile:
    return load_policy()


@pytest.fixture(scope="session")
def rules_reviewer(default_policy: PolicyFile) -> Reviewer:
    """The default policy with no model: rule behaviour only."""
    return Reviewer(default_policy, model=None)
