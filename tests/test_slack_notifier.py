"""The Slack Notifier against the fake Web API: failures become DeliveryErrors the outbox can act
on (429 with its Retry-After), nothing is posted twice, user text is escaped, and the
supervisor-channel start-up check says what is wrong."""

from __future__ import annotations

import json
import logging

import pytest
from slack_sdk import WebClient

from bot.messages import Button, Buttons, Fields, Reply, Text
from bot.notify import DeliveryError, Posted
from handlers.slack import strings
from handlers.slack.notifier import SlackNotifier
from handlers.slack.supervisor import Members, check_channel
from tests.slack_support import SUPERVISOR_CHANNEL, FakeSlack, LoopThread


@pytest.fixture
def fake():
    loop = LoopThread()
    fake = FakeSlack(loop)
    yield fake
    fake.close()
    loop.stop()


@pytest.fixture
def notifier(fake):
    return SlackNotifier(
        client=WebClient(token="xoxb-test", base_url=fake.api_url, retry_handlers=[])
    )


CARD = Reply(
    (
        Text("Emergency-call report EDC-2026-0001", "heading"),
        Fields(
            (
                ("Reporter", "Pat <@U999>"),
                ("Content", "<!channel> call me <https://evil.example|here>"),
            )
        ),
        Buttons((Button("Acknowledge", "report.ack", "EDC-2026-0001", style="primary"),)),
    ),
    private=False,
    kind="report_card",
)


def test_500_then_429_then_delivered_exactly_once(fake, notifier):
    fake.fail("chat.postMessage", 500)
    with pytest.raises(DeliveryError) as first:
        notifier.post(SUPERVISOR_CHANNEL, CARD, key="EDC-2026-0001/post/slack")
    assert not first.value.permanent and first.value.retry_after is None
    fake.fail("chat.postMessage", 429, retry_after=7)
    with pytest.raises(DeliveryError) as second:
        notifier.post(SUPERVISOR_CHANNEL, CARD, key="EDC-2026-0001/post/slack")
    assert second.value.retry_after == 7 and not second.value.permanent
    posted = notifier.post(SUPERVISOR_CHANNEL, CARD, key="EDC-2026-0001/post/slack")
    # the outbox retries once more (say the answer was lost): found, not posted again
    again = notifier.post(SUPERVISOR_CHANNEL, CARD, key="EDC-2026-0001/post/slack")
    assert again == posted
    assert len(fake.of("chat.postMessage")) == 3  # 500, 429, the one that landed
    assert len(fake.history[SUPERVISOR_CHANNEL]) == 1
    assert posted.ref.startswith(SUPERVISOR_CHANNEL + "/")


def test_the_card_cannot_ping_or_hide_a_link(fake, notifier):
    notifier.post(SUPERVISOR_CHANNEL, CARD, key="k1")
    [call] = fake.of("chat.postMessage")
    body = json.dumps(call.params["blocks"]) + call.params["text"]
    for raw in ("<!channel>", "<@U999>", "<https://evil", "|here>"):
        assert raw not in body
    assert "&lt;!channel&gt;" in body
    assert call.params["unfurl_links"] is False
    [ack] = [e for b in call.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert ack["action_id"].startswith("edc:report.ack:") and ack["value"] == "EDC-2026-0001"


def test_update_and_direct_message(fake, notifier):
    notifier.update(SUPERVISOR_CHANNEL, Posted(f"{SUPERVISOR_CHANNEL}/1700000001.000100"), CARD)
    [update] = fake.of("chat.update")
    assert (
        update.params["ts"] == "1700000001.000100"
        and update.params["channel"] == SUPERVISOR_CHANNEL
    )
    notifier.send_direct(
        "slack:U42", Reply((Text("Acknowledged"),), kind="ack_notice", private=True)
    )
    assert fake.of("conversations.open")[0].params["users"] == "U42"
    assert fake.of("chat.postMessage")[-1].params["channel"] == "D42"


def test_a_message_slack_refuses_is_permanent_a_missing_channel_is_not(fake, notifier):
    fake.fail("chat.postMessage", 200, error="invalid_blocks")
    with pytest.raises(DeliveryError) as refused:
        notifier.post(SUPERVISOR_CHANNEL, CARD, key="k2")
    assert refused.value.permanent
    # IT can fix a wrong channel or invite the bot: the outbox keeps trying meanwhile
    for error in ("channel_not_found", "not_in_channel"):
        fake.fail("chat.postMessage", 200, error=error)
        with pytest.raises(DeliveryError) as fixable:
            notifier.post(SUPERVISOR_CHANNEL, CARD, key="k3")
        assert not fixable.value.permanent


def test_startup_check_warns_loudly_about_a_public_channel(fake, caplog):
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    caplog.set_level(logging.INFO)
    assert check_channel(client, SUPERVISOR_CHANNEL) == []
    fake.channels[SUPERVISOR_CHANNEL] = {
        **fake.channels[SUPERVISOR_CHANNEL],
        "is_private": False,
        "is_member": False,
    }
    assert check_channel(client, SUPERVISOR_CHANNEL) == ["bot not a member", "public"]
    assert any("PUBLIC" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert check_channel(client, "GMISSING") == ["not found"]
    assert check_channel(client, "") == ["not set"]
    assert strings.LOG_NO_SUPERVISOR_CHANNEL in caplog.text


def test_membership_is_read_from_slack(fake):
    members = Members(WebClient(token="xoxb-test", base_url=fake.api_url))
    assert members.is_member(SUPERVISOR_CHANNEL, "USUPER")
    assert not members.is_member(SUPERVISOR_CHANNEL, "U1")
    fake.members[SUPERVISOR_CHANNEL].append("U1")  # just invited: a refusal looks again
    assert members.is_member(SUPERVISOR_CHANNEL, "U1")


def _card_for(supervisor: str) -> Reply:
    return Reply(
        (
            Text("Report EDC-2026-0002", "heading"),
            Fields((("Reporter", "Pat"), ("Supervisor", supervisor))),
        ),
        kind="report_card",
        private=False,
    )


def test_a_supervisor_picked_with_the_at_picker_is_mentioned_once(fake, notifier):
    notifier.post(SUPERVISOR_CHANNEL, _card_for("@U0SUPER1"), key="k2")
    [call] = fake.of("chat.postMessage")
    assert call.params["text"].count("<@U0SUPER1>") == 1
    assert json.dumps(call.params["blocks"]).count("<@U0SUPER1>") == 1


@pytest.mark.parametrize(
    "typed", ["Ms. Rivera", "@U0SUPER1 and <!channel>", "<@U0SUPER1>", "@here"]
)
def test_anything_else_typed_as_supervisor_mentions_nobody(fake, notifier, typed):
    notifier.post(SUPERVISOR_CHANNEL, _card_for(typed), key=f"k-{typed}")
    [call] = fake.of("chat.postMessage")
    body = json.dumps(call.params["blocks"]) + call.params["text"]
    assert "<@" not in body and "<!" not in body
