"""Write ``chatmod/packs/en/words.txt``: the whole English words of the shipped model's vocabulary.

The model view joins a word split by a space ("ch oke") when the two parts make one of these
words and one part is not a word by itself (``chatmod.text.split_words``). The vocabulary is the
WordPiece vocabulary of all-MiniLM-L6-v2 (Apache-2.0), which the model's tokenizer carries.

Usage (from the repo root):
    .venv/bin/python -m training.word_list
"""

from __future__ import annotations

import json
from pathlib import Path

from training.paths import REPO

TOKENIZER = REPO / "layers" / "model" / "chatmod-minilm" / "tokenizer.json"
OUT = REPO / "layers" / "chatmod" / "chatmod" / "packs" / "en" / "words.txt"
HEADER = (
    "# Whole words of the all-MiniLM-L6-v2 WordPiece vocabulary (Apache-2.0), two letters or\n"
    "# more, ASCII letters only; written by training/word_list.py.\n"
)


def whole_words(tokenizer: Path = TOKENIZER) -> list[str]:
    vocab = json.loads(tokenizer.read_text(encoding="utf-8"))["model"]["vocab"]
    return sorted(w for w in vocab if w.isascii() and w.isalpha() and len(w) >= 2)


def main() -> None:
    words = whole_words()
    OUT.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
