"""The ivschat control plane's request bodies as pydantic models, with the lengths, patterns,
ranges and enums botocore's ``ivschat`` service model gives each member.

Fields keep the model's camelCase names (they are the wire names). Unknown members are
ignored; a wrong type, a missing required member or a broken constraint is a
ValidationException, as the service answers it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from chatmod_local.room.frames import MESSAGE_ID_PATTERN, attributes_size
from chatmod_local.room.state import Capability

ROOM_ARN = r"^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room/[a-zA-Z0-9-]+$"
LOGGING_ARN = r"^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:logging-configuration/[a-zA-Z0-9-]+$"
# The model's ResourceArn pattern has "[a-z-]" for the resource type, one character; every
# real ARN has a longer one, so the room reads it as "[a-z-]+".
RESOURCE_ARN = r"^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:[a-z-]+/[a-zA-Z0-9-]+$"
LAMBDA_ARN = r"^$|^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+"
NAME = r"^[a-zA-Z0-9-_]*$"
MAX_TAGS = 50
MAX_ATTRIBUTES_BYTES = 1024
TAG_PUNCTUATION = set("_.:/=+-@ ")


def _tag_key(key: str) -> str:
    """AWS tag rules: letters, digits, spaces and ``_.:/=+-@``; ``aws:`` is reserved."""
    if key.lower().startswith("aws:"):
        raise ValueError("tag keys starting with aws: are reserved")
    if not all(ch.isalnum() or ch.isspace() or ch in TAG_PUNCTUATION for ch in key):
        raise ValueError("tag keys may hold letters, digits, spaces and _.:/=+-@")
    return key


def _small_attributes(attributes: dict[str, str]) -> dict[str, str]:
    if attributes_size(attributes) > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"attributes exceed {MAX_ATTRIBUTES_BYTES} bytes")
    return attributes


RoomArn = Annotated[str, Field(min_length=1, max_length=128, pattern=ROOM_ARN)]
LoggingArn = Annotated[str, Field(min_length=1, max_length=128, pattern=LOGGING_ARN)]
ResourceArn = Annotated[str, Field(min_length=1, max_length=128, pattern=RESOURCE_ARN)]
UserId = Annotated[str, Field(min_length=1, max_length=128)]
Reason = Annotated[str, Field(min_length=1, max_length=256)]
Name = Annotated[str, Field(max_length=128, pattern=NAME)]
TagKey = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_tag_key)]
TagValue = Annotated[str, Field(max_length=256)]
Tags = Annotated[dict[TagKey, TagValue], Field(max_length=MAX_TAGS)]
Attributes = Annotated[dict[str, str], AfterValidator(_small_attributes)]
Token = Annotated[str, Field(max_length=1024)]


class Body(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class MessageReviewHandler(Body):
    uri: Annotated[str, Field(max_length=170, pattern=LAMBDA_ARN)] = ""
    fallbackResult: Literal["ALLOW", "DENY"] = "ALLOW"


class S3Destination(Body):
    bucketName: Annotated[str, Field(min_length=3, max_length=63, pattern=r"^[a-z0-9-.]+$")]


class CloudWatchLogsDestination(Body):
    logGroupName: Annotated[
        str, Field(min_length=1, max_length=512, pattern=r"^[\.\-_/#A-Za-z0-9]+$")
    ]


class FirehoseDestination(Body):
    deliveryStreamName: Annotated[
        str, Field(min_length=1, max_length=64, pattern=r"^[a-zA-Z0-9_.-]+$")
    ]


class DestinationConfiguration(Body):
    """A union: exactly one destination."""

    s3: S3Destination | None = None
    cloudWatchLogs: CloudWatchLogsDestination | None = None
    firehose: FirehoseDestination | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> DestinationConfiguration:
        if sum(d is not None for d in (self.s3, self.cloudWatchLogs, self.firehose)) != 1:
            raise ValueError("exactly one of s3, cloudWatchLogs or firehose is required")
        return self

    def wire(self) -> dict[str, dict[str, str]]:
        return {k: v for k, v in self.model_dump(exclude_none=True).items()}


class RoomRequest(Body):
    """A messaging action: it names the room it acts in first."""

    roomIdentifier: RoomArn


class CreateChatToken(RoomRequest):
    userId: UserId
    capabilities: list[Capability] = Field(default_factory=list)
    sessionDurationInMinutes: Annotated[int, Field(ge=1, le=180)] = 60
    attributes: Attributes = Field(default_factory=dict)


class DeleteMessage(RoomRequest):
    id: Annotated[str, Field(min_length=12, max_length=12, pattern=MESSAGE_ID_PATTERN)]
    reason: Reason | None = None


class DisconnectUser(RoomRequest):
    userId: UserId
    reason: Reason | None = None


class SendEvent(RoomRequest):
    eventName: Annotated[str, Field(min_length=1, max_length=100)]
    attributes: Attributes = Field(default_factory=dict)


class RoomSettings(Body):
    name: Name | None = None
    maximumMessageRatePerSecond: Annotated[int, Field(ge=1, le=100)] | None = None
    maximumMessageLength: Annotated[int, Field(ge=1, le=500)] | None = None
    messageReviewHandler: MessageReviewHandler | None = None
    loggingConfigurationIdentifiers: Annotated[list[LoggingArn], Field(max_length=3)] | None = None


class CreateRoom(RoomSettings):
    tags: Tags = Field(default_factory=dict)


class UpdateRoom(RoomSettings):
    identifier: RoomArn


class RoomIdentifier(Body):
    identifier: RoomArn


class ListRooms(Body):
    name: Name | None = None
    nextToken: Token | None = None
    maxResults: Annotated[int, Field(ge=1, le=50)] = 50
    messageReviewHandlerUri: Annotated[str, Field(max_length=170, pattern=LAMBDA_ARN)] | None = None
    loggingConfigurationIdentifier: LoggingArn | None = None


class CreateLoggingConfiguration(Body):
    name: Name = ""
    destinationConfiguration: DestinationConfiguration
    tags: Tags = Field(default_factory=dict)


class UpdateLoggingConfiguration(Body):
    identifier: LoggingArn
    name: Name | None = None
    destinationConfiguration: DestinationConfiguration | None = None


class LoggingIdentifier(Body):
    identifier: LoggingArn


class ListLoggingConfigurations(Body):
    nextToken: Token | None = None
    maxResults: Annotated[int, Field(ge=1, le=50)] = 50


class TagResource(Body):
    resourceArn: ResourceArn
    tags: Tags


class UntagResource(Body):
    resourceArn: ResourceArn
    tagKeys: Annotated[list[TagKey], Field(max_length=MAX_TAGS)]


class ListTagsForResource(Body):
    resourceArn: ResourceArn
