"""Privacy is decided by the core (`Reply.private`), and Teams honours it: every kind of reply
asked for with `@EDC` in a channel goes to the asker's personal chat (Teams has no ephemeral
messages), and the channel is only told where it went. The real web app over HTTP, real Bot
Framework activities, a fake Bot Connector on loopback."""

from __future__ import annotations

import pytest

from bot import strings as core_strings
from bot.forms import strings as form_strings
from handlers.teams import strings
from tests.teams_support import (
    SUPERVISOR_CHANNEL,
    Harness,
    action,
    in_channel,
    personal,
    texts,
)

NOTICES = {strings.ANSWERED_IN_PERSONAL, strings.MOVED_TO_PERSONAL}


@pytest.fixture
def teams(index, tmp_path):
    env = {
        "EDC_ADMINS": "aad-user-7",
        "EDC_DELIVERY_RETRY_SECONDS": "0.2",
        "EDC_DELIVERY_MODE": "summary",
    }
    harness = Harness(index=index, tmp_path=tmp_path, env=env, records=True)
    harness.post(
        in_channel(harness.service_url, "set supervisor channel", who=7, channel=SUPERVISOR_CHANNEL)
    )
    harness.connector.clear()
    yield harness
    harness.close()


def _split(connector) -> tuple[list, list]:
    """(messages posted in channels, messages posted in personal chats)."""
    channel, personal = [], []
    for call in connector.sent():
        (channel if call.conversation_id.startswith("19:") else personal).append(call)
    return channel, personal


def _holds(call, secret: str) -> bool:
    return secret in texts(call) or secret in call.card_json


# kind → (what the user types after @EDC, one message after another; what only the private
# reply holds)
TYPED = {
    "answer": (["can I text a student?"], "feedback.up"),
    "decline": (["what is for lunch in the cafeteria today"], core_strings.DECLINE[:30]),
    "why": (["can I text a student?", "why"], "For “can I text a student?” I matched"),
    "drafts": (["report", "drafts"], form_strings.DRAFTS_HEADING),
    "dialog turn": (["report"], '"prompt":'),
    "help": (["help"], "unfinished reports"),  # with the records: where your reports are
    "policy text": (["3.5"], "3.5"),
}


@pytest.mark.parametrize("kind", sorted(TYPED))
def test_typed_replies_from_a_channel_reach_the_asker_alone(teams, kind):
    typed, secret = TYPED[kind]
    for text in typed:
        status, _ = teams.post(in_channel(teams.service_url, text))
        assert status in (200, 201)
    channel, private = _split(teams.connector)
    assert [texts(c) for c in channel if texts(c) not in NOTICES] == []
    assert not any(_holds(c, secret) for c in channel)
    assert any(_holds(c, secret) for c in private), f"{kind} not delivered privately"


def test_an_error_from_a_channel_reaches_the_asker_alone(teams, monkeypatch):
    def broken(question):
        raise RuntimeError("the index is broken")

    monkeypatch.setattr(teams.core.index, "search", broken)
    teams.post(in_channel(teams.service_url, "can I text a student?"))
    channel, private = _split(teams.connector)
    assert [texts(c) for c in channel] == [strings.ANSWERED_IN_PERSONAL]
    assert any("incident" in texts(c) and "broken" not in texts(c) for c in private)


def test_report_contents_viewed_in_the_supervisor_channel_reach_the_viewer_alone(teams):
    from tests.test_teams_report import ANSWERS, PERSONAL, start_in_channel_and_fill

    review = start_in_channel_and_fill(teams)
    teams.post(personal(teams.service_url, value=action(review, "dialog.submit")))
    calls = teams.connector.wait_for(
        lambda calls: [c for c in calls if c.conversation_id == SUPERVISOR_CHANNEL], timeout=30
    )
    [card] = [c for c in calls if c.conversation_id == SUPERVISOR_CHANNEL]
    secret = ANSWERS["need"]
    assert not _holds(card, secret)  # summary mode: number, reporter, a View button
    teams.connector.clear()
    teams.post(
        in_channel(
            teams.service_url,
            "",
            who=7,
            channel=SUPERVISOR_CHANNEL,
            value=action(card, "report.view"),
            thread="post",
        )
    )
    channel, private = _split(teams.connector)
    assert [texts(c) for c in channel] == [strings.ANSWERED_IN_PERSONAL]
    [view] = [c for c in private if _holds(c, secret)]
    assert view.conversation_id == "a:personal-29:user-7" and view.conversation_id != PERSONAL
