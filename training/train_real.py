"""Fine-tune all-MiniLM-L6-v2 on real labelled and benign rows only (no written lines), with the
rules' masks in place, into a Detoxify checkpoint; the recipe the leave-one-source-out protocol
(``training/loso.py``) chose (see layers/model/MODEL_CARD.md).

Usage (from the repo root, about an hour on 2 CPU cores):
    .venv-torch/bin/python -m training.train_real --out artifacts/chatmod-minilm-real.ckpt

Every row is read as the served model reads it: what the bundled policy's rules mask becomes
the placeholder (``rule_masks.rule_masked``). A benign line whose only rough word the rules mask
is then a harmless line with a placeholder in it (toxicity 0): swearing that hits nobody.
The benign sources named by ``--judges`` never train the model: they measure false positives.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import replace
from pathlib import Path

import torch

from training.augment import obfuscated_copies
from training.data import LABELS, Example
from training.fitting import (
    add_fit_arguments,
    save_checkpoint,
)
from training.paths import ARTIFACTS
from training.real_data import BENIGN, FRAGMENTS, LABELLED, load_everything, sample_benign
from training.rule_masks import MASK_PLACEHOLDER, rule_masked
from training.train import (
    MINILM_BASE,
    detoxify_checkpoint,
    fit_minilm,
    minilm_classifier,
    seed_everything,
)

# Rows per source for one hour on 2 CPU cores: every row of the small sets, a fixed sample of
# the large ones. Davidson keeps its class caps (most short informal tweets there are labelled
# offensive; a large share teaches that "short" means "toxic").
LABELLED_CAP = 5000
DAVIDSON_CAPS = {"hate": 700, "offensive": 900, "neither": 1500}
BENIGN_CAPS = {"irc": 7000, "dialogue": 3000, "goemotions": 5000}
JUDGES = ("sms", "chatterbot_en")
# Sentences of Toxic Spans posts (``span_fragments``): all toxic ones, and this many others.
FRAGMENT_OTHERS = 5000
# Written families, only for what no real source here covers (chat threats and their game-talk
# neighbours, self-harm incitement, short chat lines, plain identity mentions); together under
# 5% of the rows. Each is kept only if the leave-one-source-out mean says it pays (loso.py).
FAMILIES = ("threats", "self_harm", "chat_short", "identity")
WRITTEN_MAX_SHARE = 0.05
_TOX = LABELS.index("toxicity")
_OBSCENE = LABELS.index("obscene")


def _davidson(rows: list[Example], seed: int) -> list[Example]:
    out: list[Example] = []
    for n, (cls, cap) in enumerate(DAVIDSON_CAPS.items()):
        if cls == "hate":
            members = [ex for ex in rows if ex.targets[5] >= 0.5]
        elif cls == "offensive":
            members = [ex for ex in rows if ex.binary_toxic and ex.targets[5] < 0.5]
        else:
            members = [ex for ex in rows if not ex.binary_toxic]
        out += sample_benign(members, cap, seed + n)
    return out


_BEFORE = ("you", "u", "ur", "your", "you're", "youre", "yo")
_AFTER = ("you", "u", "ur", "your", "yourself")


def _near_you(words_between: int, extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    """The placeholder with a "you" before or after it, at most ``words_between`` words apart."""
    mask = re.escape(MASK_PLACEHOLDER)
    gap = rf"(?:\w+\W+){{0,{words_between}}}"
    before = "|".join((*_BEFORE, *extra))
    after = "|".join((*_AFTER, *extra))
    return re.compile(
        rf"(?:\b(?:{before})\W+{gap}{mask})|(?:{mask}\W+{gap}(?:{after})\b)", re.IGNORECASE
    )


_SECOND_PERSON = _near_you(1)
# Within three words either way: "you are a ****", "**** off you", "shut your **** mouth".
_ADDRESSED = _near_you(2, extra=("ya",))


def _untargeted(masked: str) -> bool:
    """A masked swear word with no "you" within a word of it: swearing aimed at nobody."""
    return MASK_PLACEHOLDER in masked and not _SECOND_PERSON.search(masked)


def as_served(ex: Example, benign_source: bool) -> Example:
    """The row as the model will read it; a benign line the rules masked is harmless swearing."""
    text = rule_masked(ex.text)
    if text == ex.text:
        return ex
    targets = list(ex.targets)
    if benign_source:
        targets[_TOX] = 0.0
        targets[_OBSCENE] = float("nan")
    return replace(ex, text=text, targets=tuple(targets))


def written_family(name: str, seed: int) -> list[Example]:
    """One written family, its rows tagged ``written:<name>`` (the card lists each share)."""
    from training.augment import chat_rows, identity_rows, threat_rows
    from training.augment_chat import PHRASES, TOXIC_SPECS, _fill, _row

    if name == "threats":
        rows = threat_rows(seed=seed)
    elif name == "chat_short":
        rows = chat_rows(seed=seed)
    elif name == "identity":
        rows = identity_rows(seed=seed)
    elif name == "self_harm":
        import random

        rng = random.Random(seed)
        labels = next(spec[2] for spec in TOXIC_SPECS if spec[0] is PHRASES.self_harm)
        texts = sorted({_fill(rng.choice(PHRASES.self_harm), rng) for _ in range(600)})
        rows = [_row(t, "written", **labels) for t in texts[:250]]
    else:
        raise ValueError(f"unknown written family {name!r}: one of {FAMILIES}")
    return [replace(as_served(ex, False), source=f"written:{name}") for ex in rows]


# Read as benign under ``served_labels``: GoEmotions' non-hostile swearing is harmless once masked.
SWEARING_BENIGN = (*BENIGN, "goemotions_swearing")


def _served_label(ex: Example) -> Example:
    """Davidson's "offensive" class marks offensive words, not harm: once the rules mask them and
    nobody is addressed, the rest of the tweet says nothing either way, so its toxicity is left
    unlabelled (its hate share stays). Without this most masked lines the model sees are
    labelled toxic, and it learns to read the placeholder itself as harm."""
    if ex.source != "davidson" or not ex.binary_toxic or ex.targets[5] >= 0.5:
        return ex
    if MASK_PLACEHOLDER not in ex.text or _ADDRESSED.search(ex.text):
        return ex
    targets = list(ex.targets)
    targets[_TOX] = float("nan")
    return replace(ex, targets=tuple(targets))


def _fragments(rows: list[Example], seed: int) -> list[Example]:
    """Every toxic sentence cut from Toxic Spans, and a sample of the others (FRAGMENT_OTHERS)."""
    toxic = [ex for ex in rows if ex.binary_toxic]
    return toxic + sample_benign([ex for ex in rows if not ex.binary_toxic], FRAGMENT_OTHERS, seed)


_RARE = tuple(LABELS.index(label) for label in ("threat", "sexual_explicit"))


def _rare(ex: Example) -> bool:
    """A row with a rare label at 0.5 or more (NaN compares False)."""
    return any(ex.targets[i] >= 0.5 for i in _RARE)


def recipe_sources(fragments: bool = False) -> tuple[str, ...]:
    """The sources ``recipe_rows`` reads (Toxic Spans' sentences only when asked for)."""
    return (*LABELLED, *BENIGN, "goemotions_swearing", *([FRAGMENTS] if fragments else []))


def recipe_rows(
    splits: dict[str, dict[str, list[Example]]],
    seed: int,
    leave_out: tuple[str, ...] = (),
    families: tuple[str, ...] = (),
    benign_scale: float = 1.0,
    labelled_cap: int = LABELLED_CAP,
    source_caps: dict[str, int] | None = None,
    fragments: bool = False,
    served_labels: bool = False,
    rare_boost: int = 1,
) -> list[Example]:
    """The training rows of every source but ``leave_out``, capped as documented above (or at
    ``labelled_cap``, or per source by ``source_caps``), with the written ``families`` (at most
    WRITTEN_MAX_SHARE of the rows) and, with ``fragments``, the sentences cut from Toxic Spans
    (when ``splits`` holds them). ``served_labels`` labels the lines the rules mask for what is
    left of them (``_served_label``). ``rare_boost`` repeats the real rows that carry a rare
    label (threat, sexual_explicit at 0.5 or more) that many times in all."""
    rows: list[Example] = []
    for n, (source, parts) in enumerate(splits.items()):
        # A source held out takes what is cut from it too (Toxic Spans' sentences), as the
        # leave-one-source-out folds drop every row whose source starts with the held-out name.
        if source.startswith(tuple(leave_out)):
            continue
        train = parts["train"]
        if source == "davidson":
            train = _davidson(train, seed)
        elif source == FRAGMENTS:
            if not fragments:
                continue
            train = _fragments(train, seed + 250)
        elif source == "goemotions_swearing":
            train = [ex for ex in train if _untargeted(as_served(ex, True).text)]
        elif source in BENIGN_CAPS:
            cap = int(BENIGN_CAPS[source] * benign_scale)
            train = sample_benign(train, cap, seed + 100 + n)
        elif source in LABELLED:
            cap = (source_caps or {}).get(source, labelled_cap)
            train = sample_benign(train, cap, seed + 200 + n)
        else:
            continue
        benign = source in (SWEARING_BENIGN if served_labels else BENIGN)
        served = [as_served(ex, benign) for ex in train]
        rows += [_served_label(ex) for ex in served] if served_labels else served
    rows += [ex for ex in rows if _rare(ex)] * (rare_boost - 1)
    # Spelling evasions of real lines (spaces, swaps, doubled or dropped letters, leet).
    rows += [as_served(ex, False) for ex in obfuscated_copies(rows, seed=seed)]
    written = [ex for name in families for ex in written_family(name, seed + 300)]
    if len(written) > WRITTEN_MAX_SHARE * (len(rows) + len(written)):
        raise ValueError(f"{len(written)} written rows exceed {WRITTEN_MAX_SHARE:.0%}")
    return rows + written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=None)
    add_fit_arguments(parser, out=ARTIFACTS / "chatmod-minilm-real.ckpt", epochs=1.0, lr=6e-5)
    parser.add_argument("--judges", nargs="*", default=list(JUDGES))
    parser.add_argument("--families", nargs="*", default=[], choices=FAMILIES)
    parser.add_argument(
        "--fragments", action="store_true", help="add the sentences cut from Toxic Spans posts"
    )
    parser.add_argument(
        "--served-labels",
        action="store_true",
        help="label masked lines for what is left of them (GoEmotions' swearing benign, "
        "Davidson's untargeted offensive words unlabelled)",
    )
    parser.add_argument(
        "--rare-boost",
        type=int,
        default=1,
        help="repeat the real rows with a threat or sexual_explicit label this many times",
    )
    parser.add_argument("--init", default=None, help="continue from this checkpoint's weights")
    parser.add_argument(
        "--labelled-cap", type=int, default=LABELLED_CAP, help="rows per labelled source at most"
    )
    parser.add_argument(
        "--benign-scale", type=float, default=1.0, help="multiply the benign caps (a later round)"
    )
    args = parser.parse_args()

    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    hf_dir, tokenizer, model = minilm_classifier(args.init)
    splits = load_everything(recipe_sources(args.fragments), args.data_dir)
    train_rows = recipe_rows(
        splits,
        args.seed,
        leave_out=tuple(args.judges),
        families=tuple(args.families),
        benign_scale=args.benign_scale,
        labelled_cap=args.labelled_cap,
        fragments=args.fragments,
        served_labels=args.served_labels,
        rare_boost=args.rare_boost,
    )
    dev = {
        source: [as_served(ex, source in BENIGN) for ex in sample_benign(parts["dev"], 800, 7)]
        for source, parts in splits.items()
    }

    run = fit_minilm(model, tokenizer, train_rows, dev, args, every_epoch=False)
    meta = {
        "base_model": MINILM_BASE,
        "recipe": "training/train_real.py: real rows only, rule masks as placeholders",
        "mask_placeholder": MASK_PLACEHOLDER,
        "judges_never_trained": list(args.judges),
        "families": list(args.families),
        "benign_scale": args.benign_scale,
        "labelled_cap": args.labelled_cap,
        "fragments": args.fragments,
        "served_labels": args.served_labels,
        "rare_boost": args.rare_boost,
        **run,
    }
    out = Path(args.out)
    save_checkpoint(out, detoxify_checkpoint(model, hf_dir, meta))
    print(f"saved {out} in {meta['train_seconds']}s", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
