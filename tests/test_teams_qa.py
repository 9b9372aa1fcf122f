"""Teams end to end: activities posted to the real /api/messages, replies read from the fake
Bot Connector — welcome, Q&A in a personal chat and in a channel, card actions, duplicates."""

from __future__ import annotations

import json

import pytest

from bot import strings as core_strings
from bot.actions import START_FORM
from handlers.teams import strings
from tests.teams_support import (
    CHANNEL,
    Harness,
    actions,
    bot_added,
    in_channel,
    personal,
    quotes,
    texts,
)


@pytest.fixture
def teams(index, tmp_path):
    harness = Harness(index=index, tmp_path=tmp_path)
    yield harness
    harness.close()


def test_welcome_when_installed_in_personal_scope(teams):
    status, _ = teams.post(bot_added(teams.service_url))
    assert status == 200
    [call] = teams.connector.sent()
    assert call.conversation_id == "a:personal-29:user-1"
    assert strings.WELCOME_TITLE.format(policy_name="Social Networking") in texts(call)
    assert "concern — tell your supervisor about a possible violation" in texts(call)
    started = [(a["data"]["action"], a["data"].get("value")) for a in actions(call)]
    assert started[:2] == [(START_FORM, "emergency_call"), (START_FORM, "policy_concern")]


def test_welcome_in_a_team_is_posted_to_the_team(teams):
    teams.post(bot_added(teams.service_url, scope="team"))
    [call] = teams.connector.sent()
    assert call.conversation_id.startswith("19:team-general")
    assert "private chat" in texts(call)


def test_a_member_joining_is_not_welcomed(teams):
    activity = bot_added(teams.service_url)
    activity["membersAdded"] = [{"id": "29:someone-else"}]
    teams.post(activity)
    assert teams.connector.sent() == []


def test_question_in_personal_chat_gets_an_adaptive_card_quoting_the_policy(teams, policy_text):
    status, _ = teams.post(personal(teams.service_url, "can I text a student?"))
    assert status == 200
    [call] = teams.connector.sent("a:personal-29:user-1")
    card = call.cards[0]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    found = quotes(call)
    assert found, "the answer quotes the policy"
    for quote in found:
        assert " ".join(quote.split()) in policy_text
    names = [a["data"]["action"] for a in actions(call)]
    assert "feedback.up" in names and "feedback.down" in names
    assert "answer.share" not in names  # no channel to share to from a personal chat
    assert "clause.show" in names  # related clauses


def test_question_in_a_channel_is_answered_privately_with_a_note_in_its_thread(teams, policy_text):
    teams.post(in_channel(teams.service_url, "can I friend a parent on facebook?"))
    [created] = teams.connector.created()
    assert created.body["members"] == [{"id": "29:user-1"}]
    answer, note = teams.connector.sent()
    # The answer went to the asker's personal chat, not the channel.
    assert not answer.conversation_id.startswith(CHANNEL)
    assert quotes(answer) and all(q in policy_text for q in quotes(answer))
    # The mention was stripped: the core answered the question, not "<at>EDC</at> …".
    assert core_strings.DECLINE not in texts(answer)
    assert "<at>" not in json.dumps(answer.body)
    # The thread is told where the answer went, and shows nothing of it.
    assert note.conversation_id == f"{CHANNEL};messageid=1699999999999" and note.activity_id
    assert strings.ANSWERED_IN_PERSONAL in texts(note) and not quotes(note)


def test_typed_commands_work_as_in_the_console(teams, policy):
    teams.post(personal(teams.service_url, "3.5"))
    teams.post(personal(teams.service_url, "policy"))
    teams.post(in_channel(teams.service_url, "help"))
    clause, toc, help_card, note = teams.connector.sent()
    assert policy.clause("3.5").text in texts(clause)
    assert all(c.title in texts(toc) for c in policy.clauses)
    # Asked in a channel, answered in the personal chat (every reply is private to the asker).
    assert not help_card.conversation_id.startswith(CHANNEL)
    help_text = texts(help_card)
    assert "policy" in help_text and "/edc" not in help_text  # Teams wording
    assert note.conversation_id.startswith(CHANNEL)
    assert texts(note) == strings.ANSWERED_IN_PERSONAL


def test_related_clause_button_shows_that_clause(teams, policy):
    teams.post(personal(teams.service_url, "can I text a student?"))
    [answer] = teams.connector.sent()
    button = next(a for a in actions(answer) if a["data"]["action"] == "clause.show")
    teams.post(personal(teams.service_url, value=button["data"]))
    shown = teams.connector.sent()[-1]
    assert policy.clause(button["data"]["value"]).text in texts(shown)


def test_feedback_buttons_record_feedback(teams):
    teams.post(personal(teams.service_url, "can I text a student?"))
    [answer] = teams.connector.sent()
    up = next(a for a in actions(answer) if a["data"]["action"] == "feedback.up")
    teams.post(personal(teams.service_url, value=up["data"]))
    assert core_strings.FEEDBACK_THANKS in texts(teams.connector.sent()[-1])
    assert teams.core.qa_log.feedback_entries[0][1:3] == ("teams:29:user-1", "up")


def test_a_repeated_activity_is_processed_once(teams):
    activity = personal(teams.service_url, "can I text a student?", activity_id="f:dup-1")
    assert teams.post(activity)[0] == 200
    assert teams.post(activity)[0] == 200  # Teams redelivering: acknowledged, not re-run
    assert len(teams.connector.sent()) == 1
    assert teams.core.qa_log.last("teams:29:user-1").ref == "q1"


def test_same_activity_id_in_another_conversation_is_not_a_duplicate(teams):
    teams.post(personal(teams.service_url, "policy", activity_id="1"))
    teams.post(personal(teams.service_url, "policy", who=2, activity_id="1"))
    assert len(teams.connector.sent()) == 2


def test_typing_and_reactions_are_ignored(teams):
    typing = personal(teams.service_url, "")
    typing["type"] = "typing"
    reaction = personal(teams.service_url, "")
    reaction.update(type="messageReaction", reactionsAdded=[{"type": "like"}])
    assert teams.post(typing)[0] == 200 and teams.post(reaction)[0] == 200
    assert teams.connector.sent() == []


def test_bad_requests_get_a_clear_error(teams):
    assert teams.post(b"{not json")[0] == 400
    status, body = teams.post({"hello": "world"})
    assert status == 400 and "activity" in body["error"]
