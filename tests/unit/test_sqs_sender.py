"""The escalation sender is made from the settings read at init, whatever the environment is
when the background start gets to it."""

from __future__ import annotations

import pytest

from chatmod.aws.sqs_sender import EscalationSender, SenderConfigError, queue_region
from chatmod.settings import Settings

LOCAL_QUEUE = "http://127.0.0.1:8700/000000000000/chatmod-escalations"


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("bare_environment")
def test_region_and_endpoint_are_the_ones_passed_in() -> None:
    sender = EscalationSender.create(
        LOCAL_QUEUE, region="eu-west-1", endpoint_url="http://127.0.0.1:8700"
    )
    assert sender.client.meta.region_name == "eu-west-1"
    assert sender.client.meta.endpoint_url == "http://127.0.0.1:8700"


@pytest.mark.usefixtures("bare_environment")
def test_an_aws_queue_url_names_its_region() -> None:
    url = "https://sqs.ap-southeast-2.amazonaws.com/123456789012/escalations"
    assert queue_region(url) == "ap-southeast-2"
    assert queue_region(LOCAL_QUEUE) is None
    sender = EscalationSender.create(url, region="us-east-1")
    assert sender.client.meta.region_name == "ap-southeast-2"


@pytest.mark.usefixtures("bare_environment")
def test_no_region_at_all_is_an_error_not_a_sender_that_fails_later() -> None:
    with pytest.raises(SenderConfigError, match="no region"):
        EscalationSender.create(LOCAL_QUEUE)


def test_settings_read_the_region_and_sqs_endpoint_once() -> None:
    settings = Settings.load(
        {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}
    )
    assert (settings.aws_region, settings.sqs_endpoint_url) == ("eu-west-1", "http://127.0.0.1:1")
    settings = Settings.load(
        {
            "AWS_REGION": "us-west-2",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
            "AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:2",
        }
    )
    assert (settings.aws_region, settings.sqs_endpoint_url) == ("us-west-2", "http://127.0.0.1:2")
