"""The model's thresholds a room gets from its ``model.level`` (``chatmod/levels.yaml``), and
the labels whose harm no starring fixes."""

from __future__ import annotations

from importlib import resources
from typing import Literal

from chatmod.yaml_load import load_yaml

LevelName = Literal["relaxed", "standard", "strict", "custom"]


# Labels whose harm starring a word cannot fix: a threat or an attack on a group with the
# group's name starred is still a threat. When one of these is in its gray zone, the message is
# never masked into acceptability; it is delivered for a second opinion or denied.
NO_MASK_WHEN: tuple[str, ...] = ("threat", "identity_attack")


def _load_levels() -> dict[str, dict[str, dict[str, float]]]:
    text = resources.files("chatmod").joinpath("levels.yaml").read_text("utf-8")
    return dict(load_yaml(text))


LEVELS: dict[str, dict[str, dict[str, float]]] = _load_levels()
