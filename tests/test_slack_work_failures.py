"""The work after the ack runs on threads of the serving process: when one Task fails, the
user still hears back in plain words, and the queue goes on with the next Task."""

from __future__ import annotations

import json

import pytest

from bot import strings as core_strings
from tests.slack_support import serve_app, stop_app


@pytest.fixture
def slack(index):
    served = serve_app(index)
    yield served
    stop_app(served)


def _dm_texts(fake) -> list[str]:
    return [json.dumps(c.params, ensure_ascii=False) for c in fake.of("chat.postMessage")]


def test_a_failing_task_gets_a_plain_apology_and_the_next_one_is_answered(slack):
    # An App Home button: the answer goes to the DM, whose channel Slack fails to open once.
    slack.fake.fail("conversations.open", 200, error="internal_error")
    status, _, _ = slack.action("edc:command:0", "3.5", channel="", response_url="")
    assert status == 200
    slack.idle()
    [apology] = _dm_texts(slack.fake)
    sorry = core_strings.ERROR.split("(")[0].strip()
    assert sorry in apology and "incident" in apology and "Traceback" not in apology

    slack.action("edc:command:0", "3.5", channel="", response_url="", message_ts="2.2")
    slack.idle()
    assert "3.5" in _dm_texts(slack.fake)[-1] and len(slack.fake.of("chat.postMessage")) == 2
