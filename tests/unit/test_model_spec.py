"""One model spec: training loads the serving file itself, and the shipped folder agrees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from chatmod.model.base import REPO_MODEL_DIR, canonical_label
from chatmod.model.spec import LABELS, SPEC

REPO = Path(__file__).resolve().parents[2]


def _training_view() -> dict[str, object]:
    """The spec as the training scripts see it, read in a fresh interpreter."""
    code = (
        "import json, sys\n"
        "from training import serving, textprep\n"
        "chatmod = sorted(m for m in sys.modules if m == 'chatmod' or m.startswith('chatmod.'))\n"
        "s = serving.SPEC\n"
        "print(json.dumps({'labels': s.labels, 'aliases': dict(s.label_aliases),\n"
        "  'preprocessing': s.preprocessing, 'max_tokens': s.max_tokens,\n"
        "  'chatmod_modules': chatmod, 'prepared': textprep.prepare_text('Ｓh1t  Ꮃorld')}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True
    )
    view: dict[str, object] = json.loads(out.stdout)
    return view


def test_training_reads_the_serving_spec_without_importing_chatmod() -> None:
    from chatmod.text.prepare import prepare_text

    view = _training_view()
    assert view["chatmod_modules"] == []
    assert view["labels"] == list(SPEC.labels)
    assert view["aliases"] == dict(SPEC.label_aliases)
    assert (view["preprocessing"], view["max_tokens"]) == (SPEC.preprocessing, SPEC.max_tokens)
    assert view["prepared"] == prepare_text("Ｓh1t  Ꮃorld")


def test_the_shipped_model_folder_matches_the_spec() -> None:
    info = json.loads((REPO_MODEL_DIR / "labels.json").read_text("utf-8"))
    assert [canonical_label(name) for name in info["labels"]] == list(LABELS)
    assert info["preprocessing"] == SPEC.preprocessing
    assert info["max_tokens"] == SPEC.max_tokens


def test_old_checkpoint_names_map_onto_the_labels() -> None:
    assert canonical_label("identity_hate") == "identity_attack"
    assert canonical_label("insult") == "insult"
    assert set(SPEC.label_aliases.values()) <= set(LABELS)
