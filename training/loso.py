"""Leave one source out: how a training recipe does on a source it never saw.

For each labelled source (and each benign one) the recipe is trained without that source and
scored on all of its rows: toxicity ROC-AUC and acted-on precision / recall at the standard
level for a labelled source; the share of lines denied and acted on at each level for a benign
source. The mean over labelled sources and the worst benign source are the figures a change
must move: a recipe is judged on what it did not train on, never on a set written against it.

Fine-tuning a transformer once per source and recipe does not fit two CPU cores, so every
recipe here is trained the same cheaper way: a seven-label logistic head (masked BCE, the
same loss as the full recipe) on frozen all-MiniLM-L6-v2 sentence embeddings (mean pooled,
64 tokens) of the rows as the served model reads them, with one fixed sample of ``--budget``
rows per recipe, from which each fold drops the held-out source's rows (and their evasion
copies). What the table compares is the data of each recipe, all else equal.

Recipes:
  * ``f5495ac``: Civil, Jigsaw, Davidson (its caps) and the written lines of ``augment.py``;
  * ``cb27e9d``: every source of ``chat_data`` at its caps, ``augment.py`` and the written
    rounds 2-6 of ``augment_chat.py`` with 20,000 more benign lines (its nine rounds' rows as
    one mixture), masked words removed as that model reads them;
  * ``real``: ``train_real.recipe_rows``, every real source, rule masks as placeholders;
  * ``real+written``: ``real`` plus the written families of the two recipes above;
  * ``real-cap15k``, ``real-hate2500``, ``real-benign3x``: ``real`` with up to 15,000 rows per
    labelled source, with 2,500 per hate-site source (Implicit Hate, Stormfront, HateXplain), or
    with three times the benign lines: how much of each kind of source the mixture should hold;
  * ``real+multilingual``: ``real`` plus the other languages' labelled sources (GermEval,
    ToLD-Br, MLMA, OffensEval-TR) and their benign chatterbot lines; with ``--multilingual``
    those sources join the folds, and ``--encoder e5`` embeds with the multilingual model's
    base (multilingual-e5-small) instead of MiniLM: one base for every language, compared on
    the same folds (results named ``<recipe>@e5``);
  * ``real+fragments``: ``real`` with the sentences cut from Toxic Spans posts
    (``span_fragments``): real chat-length insults, threats and harmless lines; ``+served``
    labels masked lines for what is left of them (``train_real._served_label``);
  * ``candidate``: ``real`` with GoEmotions' untargeted swearing and the written families of
    ``train_real.FAMILIES`` (3% of the rows); ``candidate-<family>``: the same without one.

Usage: .venv-torch/bin/python -m training.loso --markdown artifacts/loso.md
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from training.data import LABELS, SEED, Example
from training.paths import REPO
from training.real_data import BENIGN, LABELLED, load_everything, sample_benign
from training.rounds import LATER_ROUNDS, first_round_rows, later_round_rows
from training.rule_masks import MASK_PLACEHOLDER, rule_masked
from training.textprep import prepare_text
from training.train import minilm_dir
from training.train_real import FAMILIES, LABELLED_CAP, as_served, recipe_rows, recipe_sources

LEVELS_FILE = REPO / "layers" / "chatmod" / "chatmod" / "levels.yaml"
EVAL_CAP = 1000
RARE = ("threat", "sexual_explicit", "severe_toxicity")


def load_levels() -> dict[str, dict[str, dict[str, float]]]:
    import yaml

    levels = yaml.safe_load(LEVELS_FILE.read_text(encoding="utf-8"))
    return {name: spec for name, spec in levels.items() if spec}


ENCODERS = ("minilm", "e5")
E5_BASE = REPO / "artifacts" / "e5-trimmed"


class Embedder:
    """Frozen mean-pooled sentence embeddings, cached by text.

    ``minilm`` is the English model's base; ``e5`` the multilingual model's (multilingual-e5-small
    with its trimmed vocabulary, built by ``e5_base.py`` into artifacts/e5-trimmed), each reading
    the text as its served model does."""

    def __init__(self, max_len: int = 64, encoder: str = "minilm") -> None:
        from transformers import AutoModel, AutoTokenizer

        if encoder == "e5":
            from training.serving import prepare_multilingual_text

            if not (E5_BASE / "config.json").exists():
                raise SystemExit(
                    f"{E5_BASE} missing: run python -m training.e5_base --out {E5_BASE}"
                )
            base, self.prepare = E5_BASE, prepare_multilingual_text
        else:
            base, self.prepare = minilm_dir(), prepare_text
        self.tokenizer = AutoTokenizer.from_pretrained(str(base))
        self.model = AutoModel.from_pretrained(str(base)).eval()
        self.max_len = max_len
        self.cache: dict[str, np.ndarray] = {}

    @torch.no_grad()
    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = sorted({t for t in texts if t not in self.cache}, key=len)
        started = time.time()
        for start in range(0, len(todo), 128):
            chunk = todo[start : start + 128]
            enc = self.tokenizer(
                [self.prepare(t) for t in chunk],
                truncation=True,
                max_length=self.max_len,
                padding=True,
                return_tensors="pt",
            )
            hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
            for text, vec in zip(chunk, pooled.numpy(), strict=True):
                self.cache[text] = vec
            if start % 12800 == 0 and start:
                print(f"  embedded {start}/{len(todo)} in {time.time() - started:.0f}s", flush=True)
        return np.stack([self.cache[t] for t in texts])


def fit_head(x: np.ndarray, rows: Sequence[Example], epochs: int = 300) -> torch.nn.Linear:
    """A seven-label logistic head, masked BCE (labels a row's source lacks do not count)."""
    torch.manual_seed(SEED)
    targets = torch.tensor([ex.targets for ex in rows], dtype=torch.float32)
    known = (~torch.isnan(targets)).float()
    targets = torch.nan_to_num(targets, nan=0.0)
    weight = known * torch.tensor([2.0, 1, 1, 1, 1, 1, 1])
    feats = torch.from_numpy(x).float()
    head = torch.nn.Linear(feats.shape[1], len(LABELS))
    optim = torch.optim.Adam(head.parameters(), lr=0.05)
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    for _ in range(epochs):
        optim.zero_grad()
        loss = (loss_fn(head(feats), targets) * weight).sum() / weight.sum()
        loss.backward()
        optim.step()
    return head


def predict(head: torch.nn.Linear, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return torch.sigmoid(head(torch.from_numpy(x).float())).numpy()


def decisions(
    probs: np.ndarray, level: dict[str, dict[str, float]], drop: Sequence[str] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """(denied, acted on) per row at one level; ``drop`` names labels that decide nothing."""
    denied = np.zeros(len(probs), dtype=bool)
    acted = np.zeros(len(probs), dtype=bool)
    for i, label in enumerate(LABELS):
        spec = level.get(label, {})
        if label in drop:
            continue
        if "deny" in spec:
            denied |= probs[:, i] >= spec["deny"]
        if "mask" in spec:
            acted |= probs[:, i] >= spec["mask"]
    return denied, acted | denied


# Recipes -----------------------------------------------------------------------------------


def _old_view(ex: Example) -> Example:
    """The row as the models before this recipe read it: masked words removed."""
    from dataclasses import replace

    text = rule_masked(ex.text, "")
    return ex if text == ex.text else replace(ex, text=" ".join(text.split()))


def _written_later(rows: list[Example], seed: int) -> list[Example]:
    """Every later round drawn from the same ``rows`` (``train`` grew them round by round)."""
    from training.augment_chat import chat_augmentation

    out = chat_augmentation(rows, seed=seed)
    for name in LATER_ROUNDS:
        out += later_round_rows(name, rows, seed)
    return out


def recipe_f5495ac(leave_out: tuple[str, ...], seed: int) -> list[Example]:
    from training.augment import obfuscated_copies
    from training.data import load_splits

    caps = {"hate": 900, "offensive": 1800, "neither": 1500}
    rows: list[Example] = []
    for source, parts in load_splits().items():
        if source in leave_out:
            continue
        train = parts["train"]
        if source == "davidson":
            train = []
            for n, (cls, cap) in enumerate(caps.items()):
                members = [
                    ex
                    for ex in parts["train"]
                    if (cls == "hate" and ex.targets[5] >= 0.5)
                    or (cls == "offensive" and ex.binary_toxic and ex.targets[5] < 0.5)
                    or (cls == "neither" and not ex.binary_toxic)
                ]
                train += sample_benign(members, cap, seed + n)
        rows += train
    rows += obfuscated_copies(rows, seed=seed)
    rows += first_round_rows(seed)
    return [_old_view(ex) for ex in rows]


def recipe_cb27e9d(leave_out: tuple[str, ...], seed: int) -> list[Example]:
    from training.augment import obfuscated_copies
    from training.chat_data import extra_benign, load_all_splits

    splits = load_all_splits()
    rows = [ex for s, p in splits.items() if s not in leave_out for ex in p["train"]]
    rows += obfuscated_copies([ex for ex in rows if ex.source in LABELLED[:3]], seed=seed)
    rows += first_round_rows(seed)
    rows += _written_later(rows, seed)
    rows += [ex for ex in extra_benign(20_000, seed + 17, splits) if ex.source not in leave_out]
    return [_old_view(ex) for ex in rows]


def recipe_real(leave_out: tuple[str, ...], seed: int) -> list[Example]:
    return recipe_rows(_SPLITS, seed, leave_out=leave_out)


def recipe_real_with(**options: Any) -> Callable[[tuple[str, ...], int], list[Example]]:
    """``real`` built with other ``train_real.recipe_rows`` options: written ``families`` (the
    shipped recipe's mixture), or other caps (how much of each source the mixture holds)."""

    def build(leave_out: tuple[str, ...], seed: int) -> list[Example]:
        return recipe_rows(_SPLITS, seed, leave_out=leave_out, **options)

    return build


def recipe_real_written(leave_out: tuple[str, ...], seed: int) -> list[Example]:
    rows = recipe_real(leave_out, seed)
    written = first_round_rows(seed) + _written_later(rows, seed)
    real = {*LABELLED, *BENIGN}
    return rows + [as_served(ex, False) for ex in written if ex.source.split("+")[0] not in real]


# The multilingual model's labelled sources (each one language); they join the folds when
# ``--multilingual`` loads them.
MULTILINGUAL: tuple[str, ...] = ("germeval", "told_br", "mlma_fr", "offenseval_tr")


def recipe_real_multilingual(leave_out: tuple[str, ...], seed: int) -> list[Example]:
    """``real`` plus every multilingual labelled source and the benign chatterbot lines of the
    other languages (capped like the English sources): all languages' real data, one model."""
    rows = recipe_real(leave_out, seed)
    for n, source in enumerate((*MULTILINGUAL, "chatterbot")):
        if source in leave_out or source not in _SPLITS:
            continue
        train = sample_benign(_SPLITS[source]["train"], LABELLED_CAP, seed + 400 + n)
        rows += [as_served(ex, source == "chatterbot") for ex in train]
    return rows


HATE_SITES = ("implicit_hate", "stormfront", "hatexplain")

RECIPES: dict[str, tuple[Callable[[tuple[str, ...], int], list[Example]], str]] = {
    "f5495ac": (recipe_f5495ac, ""),
    "cb27e9d": (recipe_cb27e9d, ""),
    "real": (recipe_real, MASK_PLACEHOLDER),
    "real+written": (recipe_real_written, MASK_PLACEHOLDER),
    "real+multilingual": (recipe_real_multilingual, MASK_PLACEHOLDER),
    "real-cap15k": (recipe_real_with(labelled_cap=15_000), MASK_PLACEHOLDER),
    "real-hate2500": (
        recipe_real_with(source_caps=dict.fromkeys(HATE_SITES, 2500)),
        MASK_PLACEHOLDER,
    ),
    "real-benign3x": (recipe_real_with(benign_scale=3.0), MASK_PLACEHOLDER),
    "real+fragments": (recipe_real_with(fragments=True), MASK_PLACEHOLDER),
    "real+fragments+served": (
        recipe_real_with(fragments=True, served_labels=True),
        MASK_PLACEHOLDER,
    ),
    "candidate": (recipe_real_with(families=FAMILIES), MASK_PLACEHOLDER),
    **{
        f"candidate-{name}": (
            recipe_real_with(families=tuple(f for f in FAMILIES if f != name)),
            MASK_PLACEHOLDER,
        )
        for name in FAMILIES
    },
}
_SPLITS: dict[str, dict[str, list[Example]]] = {}


def held_out_rows(source: str, placeholder: str) -> list[Example]:
    parts = _SPLITS[source]
    rows = sample_benign(parts["train"] + parts["dev"], EVAL_CAP, SEED + 3)
    if placeholder:
        return [as_served(ex, source in BENIGN) for ex in rows]
    return [_old_view(ex) for ex in rows]


def labelled_sources() -> tuple[str, ...]:
    """The labelled sources of the folds: the English ones, and the multilingual ones if loaded."""
    return (*LABELLED, *(s for s in MULTILINGUAL if s in _SPLITS))


def run(
    recipes: Sequence[str], budget: int, seed: int, encoder: str = "minilm"
) -> dict[str, dict[str, dict[str, float]]]:
    levels = load_levels()
    embed = Embedder(encoder=encoder)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for recipe in recipes:
        build, placeholder = RECIPES[recipe]
        name = recipe if encoder == "minilm" else f"{recipe}@{encoder}"
        results[name] = {}
        # One fixed sample of the recipe; each fold drops the held-out source's rows from it.
        rows = build((), seed)
        written = [ex for ex in rows if ex.source.startswith("written:")]
        real = [ex for ex in rows if not ex.source.startswith("written:")]
        # Real rows are sampled alike in every recipe; written families join at the same rate.
        rate = min(1.0, budget / max(1, len(real)))
        mixture = sample_benign(real, budget, seed + 5) + sample_benign(
            written, int(rate * len(written)), seed + 6
        )
        for source in (*labelled_sources(), *BENIGN):
            started = time.time()
            rows = [ex for ex in mixture if not ex.source.startswith(source)]
            head = fit_head(embed([ex.text for ex in rows]), rows)
            test = held_out_rows(source, placeholder)
            probs = predict(head, embed([ex.text for ex in test]))
            res: dict[str, float] = {"train_rows": float(len(rows))}
            for level_name, level in levels.items():
                denied, acted = decisions(probs, level)
                res[f"{level_name}_denied"] = float(denied.mean())
                res[f"{level_name}_acted"] = float(acted.mean())
                for rare in RARE:
                    d2, a2 = decisions(probs, level, drop=(rare,))
                    res[f"{level_name}_acted_without_{rare}"] = float(a2.mean())
                    res[f"{level_name}_denied_without_{rare}"] = float(d2.mean())
            if source in labelled_sources():
                y = np.array([ex.binary_toxic for ex in test])
                res["auc"] = float(roc_auc_score(y, probs[:, 0]))
                res["positives"] = float(y.sum())
                for level_name, level in levels.items():
                    _, acted = decisions(probs, level)
                    hit = acted & (y == 1)
                    res[f"{level_name}_precision"] = float(hit.sum() / max(1, acted.sum()))
                    res[f"{level_name}_recall"] = float(hit.sum() / max(1, y.sum()))
                    for rare in RARE:
                        _, a2 = decisions(probs, level, drop=(rare,))
                        res[f"{level_name}_recall_without_{rare}"] = float(
                            (a2 & (y == 1)).sum() / max(1, y.sum())
                        )
            results[name][source] = res
            print(f"{name:13s} {source:18s} " + (f"auc {res['auc']:.3f} " if "auc" in res else "")
                  + f"std denied {res['standard_denied']:.4f} acted {res['standard_acted']:.4f} "
                  f"({time.time() - started:.0f}s)", flush=True)  # fmt: skip
    return results


def _table(title: str, columns: Sequence[str], rows: list[tuple[str, list[str]]]) -> list[str]:
    out = [title, "", "| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    out += [f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows]
    return [*out, ""]


def markdown(results: dict[str, dict[str, dict[str, float]]]) -> str:
    names = list(results)

    def cell(n: str, s: str, key: str, fmt: str) -> str:
        return format(results[n][s][key], fmt) if s in results[n] else "–"

    auc = [(s, [cell(n, s, "auc", ".3f") for n in names]) for s in LABELLED]
    means = [np.mean([results[n][s]["auc"] for s in LABELLED]) for n in names]
    auc.append(("**mean**", [f"**{m:.3f}**" for m in means]))
    multi = [s for s in MULTILINGUAL if any(s in results[n] for n in names)]
    if multi:
        auc += [(s, [cell(n, s, "auc", ".3f") for n in names]) for s in multi]
        auc.append(("**mean, other languages**", [
            "**" + format(np.mean([results[n][s]["auc"] for s in multi]), ".3f") + "**"
            if all(s in results[n] for s in multi) else "–"
            for n in names
        ]))  # fmt: skip
    out = _table("### Leave one labelled source out: toxicity ROC-AUC", names, auc)
    pr = [
        (s, [f"{results[n][s]['standard_precision']:.2f} / {results[n][s]['standard_recall']:.2f}"
             for n in names])
        for s in LABELLED
    ]  # fmt: skip
    out += _table("### Acted-on precision / recall, standard level, source held out", names, pr)
    for level in ("relaxed", "standard", "strict"):
        rows = [
            (s, [f"{100 * results[n][s][f'{level}_denied']:.2f} / "
                 f"{100 * results[n][s][f'{level}_acted']:.2f}" for n in names])
            for s in BENIGN
        ]  # fmt: skip
        worst = [max(100 * results[n][s][f"{level}_acted"] for s in BENIGN) for n in names]
        rows.append(("**worst acted on**", [f"**{w:.2f}**" for w in worst]))
        title = f"### Benign source held out, {level}: % denied / % acted on (model alone)"
        out += _table(title, names, rows)
    judged = "candidate" if "candidate" in results else "real"
    if judged in results:
        res = results[judged]
        rare_rows = []
        for rare in RARE:
            gain = [res[s]["standard_recall"] - res[s][f"standard_recall_without_{rare}"]
                    for s in LABELLED]  # fmt: skip
            cost = [res[s]["standard_acted"] - res[s][f"standard_acted_without_{rare}"]
                    for s in BENIGN]  # fmt: skip
            rare_rows.append((rare, [f"{100 * np.mean(gain):.2f}", f"{100 * max(cost):.2f}"]))
        columns = ["held-out recall added (mean, points)", "benign acted on added (worst)"]
        out += _table(
            f"### What each rare label adds, standard level (`{judged}`)", columns, rare_rows
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipes", nargs="*", default=list(RECIPES))
    parser.add_argument("--budget", type=int, default=10_000)
    parser.add_argument("--encoder", choices=ENCODERS, default="minilm")
    parser.add_argument(
        "--multilingual", action="store_true", help="add the other languages' sources to the folds"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--markdown", default=str(REPO / "artifacts" / "loso.md"))
    parser.add_argument("--json", default=str(REPO / "artifacts" / "loso.json"))
    parser.add_argument(
        "--previous", nargs="*", default=[], help="results of earlier runs (JSON) to print beside"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    _SPLITS.update(load_everything(recipe_sources(fragments=True)))
    if args.multilingual:
        from training.multilingual_data import load_multilingual_splits

        _SPLITS.update(load_multilingual_splits())
    results: dict[str, dict[str, dict[str, float]]] = {}
    for path in args.previous:
        results.update(json.loads(Path(path).read_text()))
    suffix = "" if args.encoder == "minilm" else f"@{args.encoder}"
    todo = [name for name in args.recipes if name + suffix not in results]
    results.update(run(todo, args.budget, SEED, args.encoder))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    Path(args.markdown).write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
