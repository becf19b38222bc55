"""The IVS Chat message review handler contract, as pydantic v2 models.

IVS sends a request for every SendMessage and accepts only an exact response shape; any
other answer makes it fall back to the room's FallbackResult.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

ReviewResult = Literal["ALLOW", "DENY"]
REPLACEMENT = "\ufffd"
# IVS's Reason attribute and ivschat's DeleteMessage/DisconnectUser reasons: 1-256 characters
# (botocore does not check the upper bound).
REASON_MAX = 256
ELLIPSIS = "…"
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (JSON ``\\ud800`` escapes) replaced by U+FFFD.

    They are not Unicode: RE2 and the Lambda runtime cannot encode them, so a message carrying
    one would otherwise fail review, or its answer could not be sent and IVS would fall back.
    One code point for one keeps every offset.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(REPLACEMENT, text)
    return text


CleanStr = Annotated[str, AfterValidator(without_surrogates)]


def clip_reason(reason: str | None, default: str) -> str:
    """A reason IVS and ivschat accept: spaces collapsed, never empty, at most 256 characters."""
    text = " ".join((reason or "").split()) or " ".join(default.split()) or "Moderation action."
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + ELLIPSIS


class Sender(BaseModel):
    """The user who sent the message, as IVS describes them."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    user_id: CleanStr = Field(alias="UserId")
    attributes: dict[CleanStr, CleanStr] = Field(default_factory=dict, alias="Attributes")
    ip: CleanStr = Field(default="", alias="Ip")


class ReviewRequest(BaseModel):
    """The payload IVS Chat sends to the review handler (extra fields tolerated)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    content: CleanStr = Field(alias="Content")
    message_id: CleanStr = Field(alias="MessageId")
    room_arn: CleanStr = Field(alias="RoomArn")
    attributes: dict[CleanStr, CleanStr] = Field(default_factory=dict, alias="Attributes")
    sender: Sender = Field(alias="Sender")


class Verdict(Protocol):
    """What the answer to IVS is made of: a review's decision (``chatmod.review.Decision``)."""

    @property
    def result(self) -> ReviewResult: ...
    @property
    def content(self) -> str: ...
    @property
    def reason(self) -> str | None: ...


class ReviewResponse(BaseModel):
    """What the handler answers; serialized with IVS's field names."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    review_result: ReviewResult = Field(alias="ReviewResult")
    content: CleanStr = Field(alias="Content")
    attributes: dict[CleanStr, CleanStr] = Field(default_factory=dict, alias="Attributes")

    @classmethod
    def allow(cls, content: str, attributes: dict[str, str]) -> ReviewResponse:
        """Delivered (as given, or masked) with the message's own attributes."""
        return cls(ReviewResult="ALLOW", Content=content, Attributes=attributes)

    @classmethod
    def deny(cls, content: str, reason: str | None) -> ReviewResponse:
        """Refused; the sender sees ``reason`` (clipped to IVS's limit)."""
        reason = clip_reason(reason, "Message not allowed.")
        return cls(ReviewResult="DENY", Content=content, Attributes={"Reason": reason})

    @classmethod
    def answering(cls, request: ReviewRequest, verdict: Verdict) -> ReviewResponse:
        """ALLOW keeps the message's attributes; DENY carries the user-facing reason."""
        if verdict.result == "DENY":
            return cls.deny(verdict.content, verdict.reason)
        return cls.allow(verdict.content, dict(request.attributes))

    def to_ivs(self) -> dict[str, object]:
        """The JSON-ready dict IVS expects."""
        return self.model_dump(by_alias=True)


def room_id_from_arn(room_arn: str) -> str:
    """The room id is the last path segment of ``arn:aws:ivschat:region:acct:room/<id>``."""
    return room_arn.rsplit("/", 1)[-1] if "/" in room_arn else room_arn
