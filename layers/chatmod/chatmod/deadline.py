"""Handler-facing names kept from before the review had a package: see
``chatmod.review.deadline``."""

from chatmod.review.deadline import ATTRIBUTION_MAX_CHARS as ATTRIBUTION_MAX_CHARS
from chatmod.review.deadline import CONTEXT_MARGIN_S as CONTEXT_MARGIN_S
from chatmod.review.deadline import REVIEW_BUDGET_S as REVIEW_BUDGET_S
from chatmod.review.deadline import STAGE_RESERVE_S as STAGE_RESERVE_S
from chatmod.review.deadline import Deadline as Deadline
from chatmod.review.deadline import invocation_deadline as invocation_deadline
