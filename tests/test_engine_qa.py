"""The core's Q&A replies, through Bot.handle, as every surface calls it."""

import pytest

from bot import strings
from bot.actions import START_FORM
from bot.engine import Bot
from bot.messages import Action, Buttons, Footer, Incoming, Quote, Text, Verdict
from bot.render_text import render


@pytest.fixture()
def bot(index):
    return Bot(index=index)


def say(bot, text, user="U1"):
    return bot.handle(Incoming(text=text, user_id=user, conversation_id="c1"))


def parts(replies, kind):
    return [p for r in replies for p in r.parts if isinstance(p, kind)]


def test_answer_has_verdict_quote_related_and_revision(bot, policy, policy_text):
    replies = say(bot, "/edc can I text a student?")
    (reply,) = replies
    assert reply.kind == "answer" and reply.private
    assert parts(replies, Verdict)
    quotes = parts(replies, Quote)
    assert quotes and all(q.text in policy_text for q in quotes)
    assert quotes[0].title == policy.clause(quotes[0].clause_id).title
    assert policy.revised in parts(replies, Footer)[0].text
    actions = {b.action for p in parts(replies, Buttons) for b in p.buttons}
    assert {"feedback.up", "feedback.down", "answer.share"} <= actions


def test_decline_offers_closest_clauses_and_who_to_ask(bot):
    replies = say(bot, "how much is the staff parking permit")
    texts = [p.text for p in parts(replies, Text)]
    assert strings.DECLINE in texts and strings.DECLINE_WHO in texts
    assert not parts(replies, Quote)
    suggestions = [
        b for p in parts(replies, Buttons) for b in p.buttons if b.action == "clause.show"
    ]
    assert 1 <= len(suggestions) <= 3


def test_clause_command_shows_the_whole_clause_verbatim(bot, policy):
    replies = say(bot, "/edc 3.5")
    (quote,) = parts(replies, Quote)
    assert quote.text == policy.clause("3.5").text


def test_item_number_alone_means_the_numbered_item(bot, policy):
    (quote,) = parts(say(bot, "/edc 12"), Quote)
    assert quote.clause_id == "3.12"
    (quote,) = parts(say(bot, "/edc 2"), Quote)
    assert quote.clause_id == "2"


def test_unknown_clause_is_a_clear_message(bot):
    replies = say(bot, "/edc 3.99")
    text = render(replies[0])
    assert "no clause 3.99" in text and "3.12" in text


def test_policy_lists_every_clause_with_title(bot, policy):
    text = render(say(bot, "/edc policy")[0])
    for clause in policy.clauses:
        assert f"{clause.id}  {clause.title}" in text


@pytest.mark.parametrize("text", ["", "   ", "/edc", "help"])
def test_empty_or_help_gives_help(bot, text):
    assert say(bot, text)[0].kind == "help"


def test_cross_reference_to_another_clause_is_offered(bot):
    replies = say(bot, "/edc 3.12")
    buttons = [b for p in parts(replies, Buttons) for b in p.buttons]
    assert any(b.action == "clause.show" and b.value == "2" for b in buttons)
    assert any("Section 2" in t.text or "General concerns" in t.text for t in parts(replies, Text))


def test_external_reference_is_said_plainly(bot):
    notes = [t.text for t in parts(say(bot, "/edc 1"), Text)]
    assert any("IJNDB" in n and "can't quote" in n for n in notes)


def test_why_explains_the_last_answer_per_user(bot):
    assert strings.WHY_NOTHING in render(say(bot, "why", user="U9")[0])
    say(bot, "can I text a student", user="U9")
    text = render(say(bot, "/edc why", user="U9")[0])
    assert "matched clause" in text and "text" in text


def test_why_after_a_decline_says_what_it_resembled(bot):
    say(bot, "who do i call when the heat is broken in my room", user="U8")
    text = render(say(bot, "/edc why", user="U8")[0])
    assert "nothing matched strongly enough" in text
    assert "reads most like “" in text and "heat" in text.split("reads most like")[1]


def test_feedback_is_stored_with_a_follow_up_comment(bot):
    answer = say(bot, "can I email parents from gmail")[0]
    ref = next(
        b.value
        for p in answer.parts
        if isinstance(p, Buttons)
        for b in p.buttons
        if b.action == "feedback.down"
    )
    ask = bot.handle(Incoming("", "U1", "c1", action=Action("feedback.down", ref)))
    assert strings.FEEDBACK_ASK in render(ask[0])
    thanks = say(bot, "I wanted the rule about newsletters")
    assert strings.FEEDBACK_THANKS in render(thanks[0])
    assert (ref, "console:U1", "comment", "I wanted the rule about newsletters") in (
        bot.qa_log.feedback_entries
    )


def test_share_makes_a_public_copy_of_the_answer(bot):
    answer = say(bot, "can I post student photos on instagram")[0]
    ref = next(
        b.value
        for p in answer.parts
        if isinstance(p, Buttons)
        for b in p.buttons
        if b.action == "answer.share"
    )
    (shared,) = bot.handle(Incoming("", "U1", "c1", action=Action("answer.share", ref)))
    assert not shared.private
    assert parts([shared], Quote) == parts([answer], Quote)


def test_very_long_question_is_answered_with_a_notice(bot):
    replies = say(bot, "can I text a student from my phone " * 1000)
    assert "very long" in render(replies[0])
    assert replies[-1].kind in ("answer", "decline")


@pytest.mark.parametrize(
    "text", ["🙂🙂", "ПРИВЕТ мир", "\x00\x01\x02", "<!channel> <@U123>", "%s%n{0}"]
)
def test_odd_input_gets_a_clear_reply(bot, text):
    replies = say(bot, text)
    assert replies and all(render(r).strip() for r in replies)
    assert all(r.kind != "error" for r in replies)


def test_report_question_offers_to_start_the_report(bot):
    replies = say(
        bot, "do I have to write a report after calling a parent on my cell in an emergency?"
    )
    buttons = [b for p in parts(replies, Buttons) for b in p.buttons]
    assert any((b.action, b.value) == (START_FORM, "emergency_call") for b in buttons)
