"""The supervisor channel on Teams: registering it, proactive posts through the Notifier, card
updates that keep the activity ID, direct messages, and connector failures as DeliveryError."""

from __future__ import annotations

import pytest

from bot.messages import Button, Buttons, Fields, Reply, Text
from bot.notify import DeliveryError
from handlers.teams import strings
from handlers.teams.references import ReferenceStore
from tests.teams_support import SUPERVISOR_CHANNEL, TENANT, Harness, in_channel, personal, texts

ADMIN_AAD = "aad-user-7"


@pytest.fixture
def teams(index, tmp_path):
    harness = Harness(index=index, tmp_path=tmp_path, env={"EDC_ADMINS": ADMIN_AAD})
    yield harness
    harness.close()


@pytest.fixture
def impatient_teams(index, tmp_path):
    """Calls to the Bot Connector give up after 1 s (only the delayed call below comes near)."""
    harness = Harness(index=index, tmp_path=tmp_path, timeout=1.0, env={"EDC_ADMINS": ADMIN_AAD})
    yield harness
    harness.close()


def card(text: str = "Emergency-call report EDC-2026-0001") -> Reply:
    return Reply(
        (
            Text(text, "heading"),
            Fields(
                (("What was discussed", "Call <at>Principal</at> at https://evil.example [x](y)"),)
            ),
            Buttons((Button("Acknowledge", "report.ack", "EDC-2026-0001", style="primary"),)),
        ),
        private=False,
        kind="report_card",
    )


def register(teams, who: int = 7) -> None:
    teams.post(
        in_channel(teams.service_url, "set supervisor channel", who=who, channel=SUPERVISOR_CHANNEL)
    )


def test_admin_registers_the_channel_and_it_survives_a_restart(teams, tmp_path):
    register(teams)
    assert strings.SUPERVISOR_SET in texts(teams.connector.sent()[-1])
    reopened = ReferenceStore(tmp_path / "edc.sqlite3")  # a new process opening the same file
    target = reopened.supervisor()
    assert target.conversation_id == SUPERVISOR_CHANNEL  # the channel, not the command's thread
    assert target.service_url == teams.service_url and target.tenant_id == TENANT
    reopened.close()


def test_a_non_admin_cannot_register_the_channel(teams):
    register(teams, who=3)
    assert "aad-user-3" in texts(teams.connector.sent()[-1])  # told which ID to give IT
    assert teams.teams.store.supervisor() is None


def test_report_card_is_posted_proactively_as_a_new_thread(teams):
    register(teams)
    teams.connector.clear()
    posted = teams.teams.notifier.post("supervisor", card(), key="EDC-2026-0001/post/teams")
    [call] = teams.connector.sent()
    assert call.conversation_id == SUPERVISOR_CHANNEL and call.activity_id == ""  # new thread
    assert call.body["channelData"]["tenant"]["id"] == TENANT
    assert "act-" in posted.ref
    body = texts(call)
    assert "<at>Principal</at>" in body  # shown as typed, in a plain TextRun
    assert "https://evil" not in body and "https\u200b://evil" in body  # no auto-link
    assert "report.ack" in call.card_json


def test_posting_the_same_key_twice_posts_once(teams):
    register(teams)
    teams.connector.clear()
    first = teams.teams.notifier.post("supervisor", card(), key="k1")
    second = teams.teams.notifier.post("supervisor", card(), key="k1")
    assert first == second and len(teams.connector.sent()) == 1


def test_configured_channel_needs_no_registration(index, tmp_path):
    harness = Harness(
        index=index,
        tmp_path=tmp_path,
        env={
            "TEAMS_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
            "TEAMS_TENANT_ID": TENANT,
            "TEAMS_SERVICE_URL": "{service_url}",
        },
    )
    try:
        harness.teams.notifier.post("", card(), key="k")
        [call] = harness.connector.sent()
        assert call.conversation_id == SUPERVISOR_CHANNEL
    finally:
        harness.close()


def test_no_channel_yet_is_a_retryable_delivery_error(teams):
    with pytest.raises(DeliveryError) as raised:
        teams.teams.notifier.post("supervisor", card(), key="k")
    assert not raised.value.permanent and raised.value.retry_after
    assert "set supervisor channel" in str(raised.value)


def test_update_replaces_the_card_keeping_its_activity_id(teams):
    register(teams)
    posted = teams.teams.notifier.post("supervisor", card(), key="k")
    teams.teams.notifier.update("supervisor", posted, card("Acknowledged by Principal Ames"))
    [update] = teams.connector.updates()
    assert update.conversation_id == SUPERVISOR_CHANNEL
    assert update.activity_id and update.activity_id in posted.ref
    assert "Acknowledged by Principal Ames" in texts(update)


def test_direct_message_opens_a_personal_chat_once(teams):
    # Seen in a channel only (an admin command answered there: no personal chat opened yet).
    teams.post(in_channel(teams.service_url, "set supervisor channel", who=4))
    teams.connector.clear()
    notice = Reply((Text("Your report was acknowledged"),), kind="ack_notice", private=True)
    teams.teams.notifier.send_direct("29:user-4", notice)
    teams.teams.notifier.send_direct("29:user-4", notice)
    [created] = teams.connector.created()
    assert created.body["members"] == [{"id": "29:user-4"}]
    assert created.body["channelData"]["tenant"]["id"] == TENANT
    sent = teams.connector.sent("a:personal-29:user-4")
    assert len(sent) == 2 and "acknowledged" in texts(sent[0])


def test_direct_message_uses_the_known_personal_chat(teams):
    teams.post(personal(teams.service_url, "policy", who=5))
    teams.connector.clear()
    teams.teams.notifier.send_direct(
        "29:user-5", Reply((Text("hello"),), kind="note", private=True)
    )
    assert teams.connector.created() == []
    assert len(teams.connector.sent("a:personal-29:user-5")) == 1


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [
        (500, {}, None),
        (502, {}, None),
        (429, {"Retry-After": "7"}, 7.0),
        (429, {}, 30.0),
    ],
)
def test_connector_failures_are_retryable_delivery_errors(teams, status, headers, retry_after):
    register(teams)
    teams.connector.clear()
    teams.connector.fail_next(status, headers=headers)
    with pytest.raises(DeliveryError) as raised:
        teams.teams.notifier.post("supervisor", card(), key="k")
    assert not raised.value.permanent
    assert raised.value.retry_after == retry_after
    assert teams.teams.store.posted("k") is None  # not remembered as posted
    teams.teams.notifier.post("supervisor", card(), key="k")  # the outbox's retry
    assert len(teams.connector.sent()) == 1


def test_forbidden_is_permanent(teams):
    register(teams)
    teams.connector.fail_next(403)
    with pytest.raises(DeliveryError) as raised:
        teams.teams.notifier.post("supervisor", card(), key="k")
    assert raised.value.permanent


def test_a_connector_that_does_not_answer_times_out(impatient_teams):
    teams = impatient_teams
    register(teams)
    teams.connector.fail_next(0, delay=3.0)  # answers only after the 1 s timeout
    with pytest.raises(DeliveryError) as raised:
        teams.teams.notifier.post("supervisor", card(), key="k")
    assert not raised.value.permanent and "time" in str(raised.value)
