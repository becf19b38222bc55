"""What the review pipeline does to chat in each language of ``tests/functional/multilingual``.

Usage (from the repo root; part of ``make eval``):
    .venv-torch/bin/python -m training.evaluate_languages [--model DIR] [--level standard]
        [--markdown OUT.md]

Each ``<lang>.yaml`` there holds lines written for the project (benign chat, untargeted
profanity, insults, hate against groups, threats), each category with its gold decision, kept
out of every training set. They are reviewed by the shipped model with language detection, in
a room that serves that language and English (its packs, the English packs and the detector
deciding whether the model reads the line), and, beside it, in an English-only room with no
detector: what the project did before it knew languages.
"""

from __future__ import annotations

import platform
from pathlib import Path

from training.functional_suite import Category, is_correct, load_suite
from training.paths import REPO
from training.report import evaluation_parser, publish
from training.serving import SPEC

MODEL_DIR = REPO / "layers" / "model" / "chatmod-minilm"
MULTILINGUAL_DIR = REPO / "layers" / "model" / "chatmod-e5-multi"
MODES = ("multilingual", "packs", "english")
SETS_DIR = REPO / "tests" / "functional" / "multilingual"


def language_sets(folder: Path = SETS_DIR) -> dict[str, list[Category]]:
    return {path.stem: load_suite(path) for path in sorted(folder.glob("*.yaml"))}


def reviewer_for(
    language: str, model_dir: Path, multilingual_dir: Path, level: str, mode: str
) -> object:
    """``multilingual``: what ships (packs, detector, both models); ``packs``: the language's
    packs and the detector with the English model alone; ``english``: English packs and model,
    no detector (before chatmod knew languages)."""
    from chatmod.languages import LangidDetector
    from chatmod.model.onnx_backend import OnnxToxicityModel
    from chatmod.policy import PolicyFile, RoomPolicy
    from chatmod.review import Reviewer

    languages = ["en", language] if mode != "english" else ["en"]
    room = RoomPolicy.model_validate({"languages": languages, "model": {"level": level}})
    detector = LangidDetector() if mode != "english" else None
    multi = (
        OnnxToxicityModel(multilingual_dir, max_tokens=SPEC.multilingual_max_tokens)
        if mode == "multilingual"
        else None
    )
    return Reviewer(PolicyFile(defaults=room), OnnxToxicityModel(model_dir), detector, multi)


def accuracy(reviewer: object, categories: list[Category]) -> dict[str, float]:
    out: dict[str, float] = {}
    for cat in categories:
        ok = 0
        for line in cat.lines:
            d = reviewer.review_text(line, enforce_length=False)  # type: ignore[attr-defined]
            ok += is_correct(cat.gold, d.result, d.modified)
        out[cat.name] = 100 * ok / len(cat.lines)
    return out


def main() -> None:
    parser = evaluation_parser(__doc__, model=MODEL_DIR, multilingual=MULTILINGUAL_DIR)
    parser.add_argument("--level", default="standard")
    parser.add_argument("--markdown", default=None, help="also write the table here")
    args = parser.parse_args()
    sets = language_sets()
    if not sets:
        raise SystemExit(f"no language sets in {SETS_DIR}")
    names = sorted({cat.name for cats in sets.values() for cat in cats})
    lines = [
        f"Machine: {platform.machine()}, Python {platform.python_version()}; level {args.level}.",
        "",
        "% of lines decided as gold, per language: shipped (multilingual model, the "
        "language's packs, detection) / the packs and detection with the English model alone "
        "/ English packs and model only.",
        "",
        "| category | "
        + " | ".join(
            f"{lang} ({sum(len(c.lines) for c in cats)} lines)" for lang, cats in sets.items()
        )
        + " |",
        "|---|" + "---|" * len(sets),
    ]
    results: dict[str, dict[str, dict[str, float]]] = {}
    for lang, cats in sets.items():
        results[lang] = {
            mode: accuracy(
                reviewer_for(lang, Path(args.model), Path(args.multilingual), args.level, mode),
                cats,
            )
            for mode in MODES
        }
        print(f"evaluated {lang}", flush=True)
    for name in names:
        cells = []
        for lang in sets:
            by_mode = results[lang]
            cells.append(
                " / ".join(f"{by_mode[m][name]:.1f}" for m in MODES)
                if name in by_mode["multilingual"]
                else ""
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    publish("\n".join(lines), args.markdown)


if __name__ == "__main__":
    main()
