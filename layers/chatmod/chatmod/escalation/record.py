"""The escalation record: what the review function puts on the queue for follow-up.

It carries everything the escalation function needs to act without re-reviewing: who, where,
which message, why, and (for a second opinion only) the delivered text to re-score with the
sender's messages just before it in the room. Versioned so a queue drained across a deploy
never meets a shape it cannot read: ``context`` is optional (absent means none) and left out of
the body when empty, so a record without it is exactly the shape before the field existed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, model_validator

from chatmod.escalation.wire import from_wire, to_wire
from chatmod.policy import SeverityName

# moderator_*: a moderator's DeleteMessage or DisconnectUser from the moderator API, taken
# here so it is counted and idempotent like the automatic ones (``message_id`` is the request's).
RecordKind = Literal["strike", "second_opinion", "moderator_delete", "moderator_disconnect"]

# ivschat's DeleteMessage takes exactly 12 alphanumeric characters as the message id.
MESSAGE_ID_PATTERN = r"^[A-Za-z0-9]{12}$"
CONTEXT_ITEMS_MAX = 3
CONTEXT_ITEM_MAX_CHARS = 500
CONTENT_MAX_CHARS = 500


def _text(min_length: int, max_length: int) -> PlainValidator:
    """A str field checked in Python: pydantic's own str validation refuses a lone surrogate,
    which a sender's text or id may hold (IVS delivers JSON ``\ud800`` escapes as they are)."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("expected a string")
        if not min_length <= len(value) <= max_length:
            raise ValueError(f"expected {min_length} to {max_length} characters")
        return value

    return PlainValidator(check)


UserText = Annotated[str, _text(1, 128)]
ContextItem = Annotated[str, _text(1, CONTEXT_ITEM_MAX_CHARS)]
Content = Annotated[str, _text(0, CONTENT_MAX_CHARS)]
ROOM_ARN_PATTERN = r"^arn:aws[a-z-]*:ivschat:[a-z0-9-]+:[0-9]+:room/[A-Za-z0-9-]+$"


class EscalationRecord(BaseModel):
    """One decision that deserves action outside the 200 ms review window."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    kind: RecordKind
    room_arn: str = Field(pattern=ROOM_ARN_PATTERN, max_length=128)
    user_id: UserText
    message_id: str = Field(pattern=MESSAGE_ID_PATTERN)
    reviewed_at_ms: int = Field(ge=0)
    result: Literal["ALLOW", "DENY"]
    severity: SeverityName | None = None
    categories: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    gray_zone: tuple[str, ...] = ()
    scores: dict[str, float] = Field(default_factory=dict)
    reason: str | None = None
    # The delivered text, only on second-opinion records (the deeper scorer re-reads it).
    content: Content | None = None
    # The sender's messages delivered in the same room just before it, oldest first, as
    # delivered (second-opinion records only): a toxic line split over several messages.
    context: tuple[ContextItem, ...] = Field(default=(), max_length=CONTEXT_ITEMS_MAX)

    @model_validator(mode="after")
    def _second_opinion_has_text(self) -> EscalationRecord:
        if self.kind == "second_opinion" and not self.content:
            raise ValueError("a second_opinion record needs the delivered content")
        if self.context and self.kind != "second_opinion":
            raise ValueError("only a second_opinion record carries context")
        return self

    def to_body(self) -> str:
        """The SQS message body: ASCII JSON, so any text survives SQS (``wire``)."""
        return to_wire(
            self.model_dump(exclude_none=True, exclude=None if self.context else {"context"})
        )


def parse_record(body: str) -> EscalationRecord:
    """Raises pydantic.ValidationError for anything that is not a valid record (poison)."""
    try:
        data = from_wire(body)
    except ValueError:
        return EscalationRecord.model_validate_json(body)  # raises, saying why it is not JSON
    return EscalationRecord.model_validate(data)
