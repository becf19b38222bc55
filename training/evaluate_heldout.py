"""The shipped pipeline on sources the shipped model never trained on, beside the two models
before it (cb27e9d, the chat rounds; f5495ac, before them), each with its own thresholds.

  * benign judges (``train_real.JUDGES``: SMS ham, chatterbot's English lines, and those
    lines without psychology.yml, its users' insults to the bot): every line, the share denied
    and acted on (denied, or delivered with words starred for toxicity or profanity) at each
    level: the false-positive figure;
  * Toxic Spans' dev posts (its SemEval test posts and a hash-chosen 15%, kept out of every
    recipe here; the older models never read Toxic Spans at all): toxicity ROC-AUC of the
    model alone, and acted-on precision / recall of the pipeline at the standard level.
The functional suite stays in ``evaluate_chat.py``: a regression check, not evidence.

Usage: .venv-torch/bin/python -m training.evaluate_heldout [--markdown artifacts/heldout.md]
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sklearn.metrics import roc_auc_score

from training.data import Example
from training.evaluate_chat import (
    MODEL_DIR,
    PREVIOUS_COMMIT,
    PREVIOUS_THRESHOLDS,
    TOXIC_CATEGORIES,
    model_at,
    policy_for,
)
from training.real_data import load_source
from training.report import evaluation_parser, percent_of, publish, table
from training.train_real import JUDGES

CHAT_ROUNDS_COMMIT = "cb27e9d"
LEVELS = ("relaxed", "standard", "strict")


def benign_rates(reviewer: Any, rows: list[Example]) -> dict[str, float]:
    """Denied and acted-on shares of harmless lines, overall and by the model's part alone
    (a swear word the rules star in a line that does swear is the rules' doing, not the
    model's false positive)."""
    denied = acted = model_denied = model_acted = 0
    for ex in rows:
        d = reviewer.review_text(ex.text, enforce_length=False)
        toxic = bool(set(d.categories) & TOXIC_CATEGORIES)
        by_model = any(h.rule_id.startswith("model.") for h in d.hits)
        denied += d.result == "DENY"
        acted += d.result == "DENY" or (d.modified and toxic)
        model_denied += d.result == "DENY" and by_model
        model_acted += by_model and (d.result == "DENY" or d.modified)
    return percent_of(
        len(rows),
        {
            "denied": denied,
            "acted on": acted,
            "denied by the model": model_denied,
            "acted on by the model": model_acted,
        },
    )


def main() -> None:
    parser = evaluation_parser(__doc__, model=MODEL_DIR)
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    from chatmod.model.onnx_backend import OnnxToxicityModel
    from chatmod.review import Reviewer

    started = time.time()
    models: dict[str, tuple[Path, dict[str, Any] | None]] = {
        "shipped": (Path(args.model), None),
        CHAT_ROUNDS_COMMIT: (model_at(CHAT_ROUNDS_COMMIT), None),
        PREVIOUS_COMMIT: (model_at(PREVIOUS_COMMIT), PREVIOUS_THRESHOLDS),
    }
    # chatterbot's English lines also without its file of insults to the bot (real_data)
    judges = {name: load_source(name) for name in (*JUDGES, "chatterbot_en_chat")}
    spans = load_source("toxic_spans")["dev"]
    benign: dict[str, dict[str, Any]] = {}
    spans_rows: dict[str, dict[str, Any]] = {}
    for name, (folder, fixed) in models.items():
        levels = LEVELS if fixed is None else ("its own",)
        for level in levels:
            policy = policy_for(None, fixed) if fixed is not None else policy_for(level)
            reviewer = Reviewer(policy, OnnxToxicityModel(folder))
            for judge, parts in judges.items():
                benign[f"{name} {level}: {judge}"] = benign_rates(
                    reviewer, parts["train"] + parts["dev"]
                )
            if level in ("standard", "its own"):
                tox = [ex for ex in spans if ex.binary_toxic]
                decided = [reviewer.review_text(ex.text, enforce_length=False) for ex in spans]
                acted = [d.result == "DENY" or d.modified for d in decided]
                hit = sum(a for a, ex in zip(acted, spans, strict=True) if ex.binary_toxic)
                probs = [s["toxicity"] for s in reviewer.model.predict([ex.text for ex in spans])]
                spans_rows[name] = {
                    "posts": len(spans),
                    "toxicity ROC-AUC": roc_auc_score([ex.binary_toxic for ex in spans], probs),
                    "acted precision": hit / max(1, sum(acted)),
                    "acted recall": hit / max(1, len(tox)),
                }
            print(f"evaluated {name} {level} ({time.time() - started:.0f}s)", flush=True)
    text = "\n".join(
        [
            table(
                "Benign sources the shipped model never trained on (whole pipeline)",
                list(next(iter(benign.values()))),
                benign,
            ),
            table(
                "Toxic Spans dev posts (no model trained on them), standard level",
                ["posts", "toxicity ROC-AUC", "acted precision", "acted recall"],
                spans_rows,
            ),
        ]
    )
    publish(text, args.markdown)


if __name__ == "__main__":
    main()
