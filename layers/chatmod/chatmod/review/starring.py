"""What decides whether a word is starred, in one place.

A word is starred (all but its first letter; personal data whole, ``Declared.mask_all``;
``chatmod.review.masking`` writes the stars) when a rule masks it or the model blames it.

A rule masks it when the check that found it masks: a check declares its action
(``Declared.action`` on the check's class, ``chatmod.rules``), a room's pack settings or a
custom rule's ``action`` replace it (``chatmod.review.compile``). It is kept as typed when an
``allow`` rule covers it (``decide``), or when it is an everyday word of the message's own
language that another language's pack hit (``packs/<lang>/harmless.yaml``,
``stages.keep_harmless``).

The model blames it when all of this holds, asked in this order:

1. A label scores in its mask range: the thresholds of the room's ``model.level``
   (``chatmod/levels.yaml``) with the room's ``model.thresholds`` over them, and no label of
   ``NO_MASK_WHEN`` (threat, identity attack) sits in its own gray zone (``model_plan``).
2. No rule denies the message or allows it, and no label is at its deny threshold.
3. The model lets its words be starred (labels.json ``word_attribution``, read as
   ``ToxicityModel.stars_words``) and the room stars any (``model.mask_max_words`` > 0).
4. The review's deadline leaves time for attribution (``chatmod.review.deadline``).
5. Occlusion finds at most two words whose removal brings every such label below its mask
   threshold, none of them a word no language's list lets be blamed
   (``packs/<lang>/unblamed.yaml``; ``chatmod.review.attribution``).

Otherwise the message goes out as typed with its gray zone, for the second opinion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from chatmod.model.base import ToxicityModel
from chatmod.policy import NO_MASK_WHEN, ModelPolicy
from chatmod.rules.base import RuleHit


@dataclass(frozen=True)
class ModelPlan:
    """What the model's scores call for, before any word is located.

    ``fix``: labels in their mask range that starring the blamed words may fix (label -> mask
    threshold); ``gray``: labels to deliver with a second opinion; ``deny``: labels at deny.
    """

    deny: tuple[str, ...] = ()
    fix: Mapping[str, float] = field(default_factory=dict)
    gray: tuple[str, ...] = ()


def model_plan(model: ModelPolicy, scores: Mapping[str, float]) -> ModelPlan:
    """Walk each label's thresholds once: the review asks this as soon as the model scored,
    to know whether to locate words, and hands the plan on to ``decide``."""
    thresholds = model.label_thresholds
    deny: list[str] = []
    fix: dict[str, float] = {}
    gray: list[str] = []
    unfixable = any(
        scores.get(label, 0.0) >= (t.allow if t.allow is not None else t.mask or 1.1)
        for label, t in thresholds.items()
        if label in NO_MASK_WHEN
    )
    for label, t in thresholds.items():
        score = scores.get(label)
        if score is None:
            continue
        if t.deny is not None and score >= t.deny:
            deny.append(label)
        elif t.mask is not None and score >= t.mask and not unfixable:
            fix[label] = t.mask
        elif (t.allow is not None and score >= t.allow) or (t.mask is not None and score >= t.mask):
            gray.append(label)
    return ModelPlan(tuple(deny), fix, tuple(gray))


def may_blame_words(
    hits: Sequence[RuleHit], model: ToxicityModel, plan: ModelPlan, policy: ModelPolicy
) -> bool:
    """Conditions 1 to 3 above: whether attribution may look for words to star at all."""
    if any(h.action in ("deny", "allow") for h in hits):
        return False  # denied by a rule anyway, or an exception silences the model
    if not model.stars_words:
        return False  # its folder says its words are not to be starred: the gray zone decides
    return not plan.deny and bool(plan.fix) and policy.mask_max_words > 0
