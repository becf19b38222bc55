"""Deny rate on the deny-gold lines, as typed and with an invisible character inside each word.

The lines are every ``deny`` line of the functional suite; each character class of
``tests/functional/invisible.yaml`` is inserted in the middle of each word, one code point of the
class at a time, and the lines go through the review pipeline as deployed (bundled policy, the
English and multilingual models, the language detector). Prints the deny rate per class (the
mean over its code points, and the worst one) and its loss against the plain lines.
"""

from __future__ import annotations

from chatmod.languages import LangidDetector
from chatmod.model.base import REPO_MODEL_DIR
from chatmod.model.factory import load_multilingual_from_settings
from chatmod.model.onnx_backend import OnnxToxicityModel
from chatmod.policy import load_policy
from chatmod.review import Reviewer
from chatmod.settings import Settings
from tests.invisible_characters import character_classes, deny_gold_lines, inside_each_word


def deny_rate(reviewer: Reviewer, lines: list[str]) -> float:
    return 100 * sum(reviewer.review_text(line).result == "DENY" for line in lines) / len(lines)


def main() -> None:
    multilingual = load_multilingual_from_settings(Settings.load())
    reviewer = Reviewer(
        load_policy(), OnnxToxicityModel(REPO_MODEL_DIR), LangidDetector(), multilingual
    )
    lines = deny_gold_lines()
    plain = deny_rate(reviewer, lines)
    print(f"deny-gold lines: {len(lines)}; denied as typed: {plain:.1f}%")
    print(f"{'class':20} {'mean':>7} {'worst':>7} {'loss':>6}  code points")
    for klass in character_classes():
        rates = {
            ch: deny_rate(reviewer, [inside_each_word(line, ch) for line in lines])
            for ch in klass.characters
        }
        mean = sum(rates.values()) / len(rates)
        worst = min(rates.values())
        listed = " ".join(f"U+{ord(ch):04X}={rate:.1f}" for ch, rate in rates.items())
        print(f"{klass.name:20} {mean:6.1f}% {worst:6.1f}% {plain - worst:5.1f}  {listed}")


if __name__ == "__main__":
    main()
