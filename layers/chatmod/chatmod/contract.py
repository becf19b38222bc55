"""The IVS Chat message review handler contract, as pydantic v2 models.

IVS sends a request for every SendMessage and accepts only an exact response shape; any
other answer makes it fall back to the room's FallbackResult.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ReviewResult = Literal["ALLOW", "DENY"]


class Sender(BaseModel):
    """The user who sent the message, as IVS describes them."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    user_id: str = Field(alias="UserId")
    attributes: dict[str, str] = Field(default_factory=dict, alias="Attributes")
    ip: str = Field(default="", alias="Ip")


class ReviewRequest(BaseModel):
    """The payload IVS Chat sends to the review handler (extra fields tolerated)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    content: str = Field(alias="Content")
    message_id: str = Field(alias="MessageId")
    room_arn: str = Field(alias="RoomArn")
    attributes: dict[str, str] = Field(default_factory=dict, alias="Attributes")
    sender: Sender = Field(alias="Sender")


class ReviewResponse(BaseModel):
    """What the handler answers; serialized with IVS's field names."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    review_result: ReviewResult = Field(alias="ReviewResult")
    content: str = Field(alias="Content")
    attributes: dict[str, str] = Field(default_factory=dict, alias="Attributes")

    def to_ivs(self) -> dict[str, object]:
        """The JSON-ready dict IVS expects."""
        return self.model_dump(by_alias=True)


def room_id_from_arn(room_arn: str) -> str:
    """The room id is the last path segment of ``arn:aws:ivschat:region:acct:room/<id>``."""
    return room_arn.rsplit("/", 1)[-1] if "/" in room_arn else room_arn
