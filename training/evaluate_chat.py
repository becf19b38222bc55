"""What the whole review pipeline does to chat: decisions, not only scores.

Usage (from the repo root; ``make eval``):
    .venv-torch/bin/python -m training.evaluate_chat [--data-dir DIR] [--model DIR]
        [--levels relaxed,standard,strict] [--no-previous] [--markdown OUT.md]

Reports, for the model in ``--model`` (default: the shipped one) at each moderation level:
  * benign chat dev lines (IRC, SMS ham, dialogue turns; never trained on): the share denied,
    the share delivered masked for toxicity or profanity (by the model or the profanity/slur
    packs), and the share acted on (either of the two); links and personal data masked on
    purpose are counted apart, and so are rule masks that start or end inside a word;
  * the labelled dev splits of every source: DENY and acted-on recall of the toxic rows, and
    the share of their non-toxic rows denied;
  * the functional suite (``tests/functional/suite.yaml``): accuracy per category against its
    gold decision;
  * toxicity ROC-AUC of the model alone per source.
Beside it: the previous shipped model (from git, with the thresholds it shipped with) through
today's pipeline, and alt-profanity-check (a DENY when its probability is >= 0.5).
"""

from __future__ import annotations

import math
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.metrics import roc_auc_score

from training.chat_data import BENIGN_SOURCES, load_all_splits
from training.data import DEFAULT_DATA_DIR, LABELS, Example
from training.functional_suite import Category, is_correct, load_suite
from training.paths import REPO
from training.report import evaluation_parser, percent_of, publish, table
from training.serving import SPEC

MODEL_DIR = REPO / "layers" / "model" / "chatmod-minilm"
MULTILINGUAL_DIR = REPO / "layers" / "model" / "chatmod-e5-multi"
DEFAULT_POLICY = REPO / "layers" / "chatmod" / "chatmod" / "default_policy.yaml"
# The model shipped before the chat retraining, and the thresholds it shipped with.
PREVIOUS_COMMIT = "f5495ac"
PREVIOUS_THRESHOLDS = {
    "toxicity": {"deny": 0.97, "mask": 0.85, "allow": 0.6, "confirm": 0.9},
    "severe_toxicity": {"deny": 0.9, "allow": 0.5, "confirm": 0.8},
    "obscene": {"mask": 0.85, "allow": 0.6},
    "threat": {"deny": 0.9, "allow": 0.5, "confirm": 0.7},
    "insult": {"deny": 0.97, "mask": 0.9, "allow": 0.6, "confirm": 0.9},
    "identity_attack": {"deny": 0.9, "allow": 0.5, "confirm": 0.8},
    "sexual_explicit": {"deny": 0.97, "mask": 0.9, "allow": 0.6, "confirm": 0.9},
}
TOXIC_CATEGORIES = frozenset({*LABELS, "profanity", "hate"})
ON_PURPOSE = frozenset({"links", "pii"})

PIPELINE_ROWS = 500

Decide = Callable[[str], tuple[str, bool, tuple[str, ...], list[tuple[int, int]]]]


def model_at(commit: str) -> Path:
    """The English model folder as it was at ``commit``, taken out of git once into
    ``artifacts/``."""
    out = REPO / "artifacts" / f"model-{commit}"
    if not (out / "model.onnx").is_file():
        out.mkdir(parents=True, exist_ok=True)
        for name in ("model.onnx", "tokenizer.json", "labels.json"):
            blob = subprocess.run(
                ["git", "show", f"{commit}:layers/model/chatmod-minilm/{name}"],
                cwd=REPO,
                check=True,
                capture_output=True,
            ).stdout
            (out / name).write_bytes(blob)
    return out


def previous_model_dir() -> Path:
    """The previous model's folder (PREVIOUS_COMMIT)."""
    return model_at(PREVIOUS_COMMIT)


def policy_for(level: str | None, thresholds: dict[str, Any] | None = None) -> Any:
    from chatmod.policy import PolicyFile

    data = yaml.safe_load(DEFAULT_POLICY.read_text())
    model = data["defaults"]["model"]
    if level is not None:
        model["level"] = level
    if thresholds is not None:
        model["level"] = "custom"
        model["thresholds"] = thresholds
    return PolicyFile.model_validate(data)


def pipeline_decider(model_dir: Path, policy: Any, multilingual_dir: Path | None = None) -> Decide:
    """The pipeline on the English model alone (every line read by it), or as it ships: with
    the language detector and the multilingual model beside it (``multilingual_dir``)."""
    from chatmod.model.onnx_backend import OnnxToxicityModel
    from chatmod.review import Reviewer

    if multilingual_dir is None:
        reviewer = Reviewer(policy, OnnxToxicityModel(model_dir))
    else:
        from chatmod.languages import LangidDetector

        multi = OnnxToxicityModel(multilingual_dir, max_tokens=SPEC.multilingual_max_tokens)
        reviewer = Reviewer(policy, OnnxToxicityModel(model_dir), LangidDetector(), multi)

    def decide(text: str) -> tuple[str, bool, tuple[str, ...], list[tuple[int, int]]]:
        d = reviewer.review_text(text, enforce_length=False)
        rule_masks = [
            (h.start, h.end)
            for h in d.hits
            if h.action == "mask" and not h.rule_id.startswith("model.")
        ]
        return d.result, d.modified, d.categories, rule_masks

    return decide


def baseline_decider() -> Decide:
    from profanity_check import predict_prob

    def decide(text: str) -> tuple[str, bool, tuple[str, ...], list[tuple[int, int]]]:
        deny = float(predict_prob([text])[0]) >= 0.5
        return ("DENY" if deny else "ALLOW"), False, (("toxicity",) if deny else ()), []

    return decide


def _sample(rows: list[Example], n: int) -> list[Example]:
    if len(rows) <= n:
        return rows
    idx = np.random.default_rng(7).permutation(len(rows))[:n]
    return [rows[i] for i in sorted(idx)]


def _inside_word(text: str, span: tuple[int, int]) -> bool:
    start, end = span
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())


def benign_chat(decide: Decide, rows: Sequence[Example]) -> dict[str, float]:
    denied = masked = acted = on_purpose = partial = 0
    for ex in rows:
        result, modified, categories, rule_masks = decide(ex.text)
        toxic = bool(set(categories) & TOXIC_CATEGORIES)
        denied += result == "DENY"
        masked += result == "ALLOW" and modified and toxic
        acted += result == "DENY" or (modified and toxic)
        on_purpose += result == "ALLOW" and modified and bool(set(categories) & ON_PURPOSE)
        partial += sum(_inside_word(ex.text, s) for s in rule_masks)
    shares = {"denied": denied, "masked": masked, "acted on": acted, "links/pii masked": on_purpose}
    return {**percent_of(len(rows), shares), "masks inside a word": partial}


def labelled(decide: Decide, rows: Sequence[Example]) -> dict[str, float]:
    tox = [ex for ex in rows if ex.binary_toxic]
    clean = [ex for ex in rows if not ex.binary_toxic]
    deny_tp = acted_tp = deny_fp = 0
    for ex in tox:
        result, modified, *_ = decide(ex.text)
        deny_tp += result == "DENY"
        acted_tp += result == "DENY" or modified
    for ex in clean:
        deny_fp += decide(ex.text)[0] == "DENY"
    return {
        "toxic rows": len(tox),
        "deny recall": deny_tp / max(1, len(tox)),
        "acted recall": acted_tp / max(1, len(tox)),
        "clean denied %": 100 * deny_fp / max(1, len(clean)),
    }


def suite(decide: Decide, categories: Sequence[Category]) -> dict[str, float]:
    out: dict[str, float] = {}
    for cat in categories:
        ok = 0
        for line in cat.lines:
            result, modified, *_ = decide(line)
            ok += is_correct(cat.gold, result, modified)
        out[cat.name] = 100 * ok / len(cat.lines)
    return out


def model_auc(model_dir: Path, splits: dict[str, dict[str, list[Example]]]) -> dict[str, float]:
    from chatmod.model.onnx_backend import OnnxToxicityModel

    model = OnnxToxicityModel(model_dir)
    out: dict[str, float] = {}
    for source, parts in splits.items():
        rows = [ex for ex in parts["dev"] if not math.isnan(ex.targets[0])]
        y = [ex.binary_toxic for ex in rows]
        if len(set(y)) < 2:
            continue
        probs = [s["toxicity"] for s in model.predict([ex.text for ex in rows])]
        out[source] = float(roc_auc_score(y, probs))
    return out


def main() -> None:
    parser = evaluation_parser(__doc__, model=MODEL_DIR, multilingual=MULTILINGUAL_DIR)
    parser.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    parser.add_argument("--levels", default="relaxed,standard,strict")
    parser.add_argument("--no-previous", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--markdown", default=None, help="also write the tables here")
    args = parser.parse_args()

    started = time.time()
    splits = load_all_splits(args.data_dir)
    benign_rows = [ex for s in BENIGN_SOURCES for ex in splits[s]["dev"]]
    # The pipeline's decisions on at most PIPELINE_ROWS rows per labelled source (a fixed-seed
    # sample, the same for every model); the model-alone AUC below uses every dev row.
    labelled_sources = {
        s: _sample(p["dev"], PIPELINE_ROWS) for s, p in splits.items() if s not in BENIGN_SOURCES
    }
    categories = load_suite()
    model_dir = Path(args.model)

    deciders: dict[str, Decide] = {
        f"{model_dir.name} {level}": pipeline_decider(model_dir, policy_for(level))
        for level in args.levels.split(",")
    }
    multilingual_dir = Path(args.multilingual)
    if multilingual_dir.is_dir():
        deciders[f"as shipped: detector + {multilingual_dir.name}, standard"] = pipeline_decider(
            model_dir, policy_for("standard"), multilingual_dir
        )
    if not args.no_previous:
        deciders[f"previous ({PREVIOUS_COMMIT})"] = pipeline_decider(
            previous_model_dir(), policy_for(None, PREVIOUS_THRESHOLDS)
        )
    if not args.no_baseline:
        deciders["alt-profanity-check"] = baseline_decider()

    benign: dict[str, dict[str, Any]] = {}
    recall: dict[str, dict[str, Any]] = {}
    per_source: dict[str, dict[str, Any]] = {}
    suites: dict[str, dict[str, float]] = {}
    for name, decide in deciders.items():
        benign[name] = benign_chat(decide, benign_rows)
        pooled = [ex for rows in labelled_sources.values() for ex in rows]
        recall[name] = labelled(decide, pooled)
        for source, rows in labelled_sources.items():
            per_source.setdefault(source, {})[name] = labelled(decide, rows)["acted recall"]
        suites[name] = suite(decide, categories)
        print(f"evaluated {name} ({time.time() - started:.0f}s)", flush=True)

    aucs = {"this model": model_auc(model_dir, splits)}
    if not args.no_previous:
        aucs["previous"] = model_auc(previous_model_dir(), splits)

    names = list(deciders)
    suite_rows: dict[str, dict[str, Any]] = {
        cat.name: {n: suites[n][cat.name] for n in names} for cat in categories
    }
    suite_rows["**mean**"] = {n: float(np.mean(list(suites[n].values()))) for n in names}
    suite_rows["**lowest**"] = {n: float(min(suites[n].values())) for n in names}
    out = [
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python "
        f"{platform.python_version()}; benign chat dev lines: {len(benign_rows)}.",
        table(
            "Benign chat (IRC, SMS ham, dialogue dev)", list(next(iter(benign.values()))), benign
        ),
        table("Labelled dev splits, all sources pooled", list(next(iter(recall.values()))), recall),
        table(
            "Acted-on recall of toxic dev rows per source",
            names,
            {s: per_source[s] for s in per_source},
        ),
        table("Functional suite: % of lines decided as gold", names, suite_rows),
        table(
            "Model alone: toxicity ROC-AUC per source",
            list(aucs),
            {s: {k: v.get(s, "") for k, v in aucs.items()} for s in aucs["this model"]},
        ),
    ]
    evasions = [c for c in categories if c.plain]
    gaps = {
        c.name: {n: suites[n][c.name] - suites[n][c.plain or ""] for n in names[:3]}
        for c in evasions
    }
    out.append(table("Spelling evasion minus its plain category (points)", names[:3], gaps))
    text = "\n".join(out)
    publish(text, args.markdown)
    print(f"\n({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
