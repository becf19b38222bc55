"""Handler-facing names kept from before the review had a package: see
``chatmod.review.compile``."""

from chatmod.review.compile import DEFAULT_REASONS as DEFAULT_REASONS
from chatmod.review.compile import CompiledRoom as CompiledRoom
from chatmod.review.compile import SharedChecks as SharedChecks
from chatmod.review.compile import builtin_exemptions as builtin_exemptions
from chatmod.review.compile import builtin_terms as builtin_terms
from chatmod.review.compile import compile_room as compile_room
from chatmod.review.compile import pack_rule_id as pack_rule_id
