"""Scripted conversations for the rough edges of issue 13: a reply to a question is read as an
answer first; invalid answers get the field's own error; questions are said to be questions
and the pending question is repeated; the yes/no pre-check is asked positively; Enter keeps an
answer; edit takes the review labels; the privacy reminder comes once; review submit words."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import strings as qa_strings
from bot.forms import strings
from bot.forms.spec import load_form
from tests.report_support import REPORT_ANSWERS, make_core, say

FORM = load_form("emergency_call")
STEPS = [f.name for f in FORM.fields if not f.show_if]  # the order REPORT_ANSWERS follows


def at(name: str) -> list[str]:
    """The lines that bring a new report to the question `name`."""
    return ["report", *REPORT_ANSWERS[: STEPS.index(name)]]


@pytest.fixture
def core(tmp_path, index):
    made = make_core(tmp_path, index)
    yield made
    made.records.close()


def script(core, lines: list[str]) -> str:
    """Say every line; return what the bot said to the last one."""
    out = ""
    for line in lines:
        out = say(core, line)
    return out


def answers(core) -> dict[str, str]:
    return core.records.drafts.open_for("console:u1").state.answers


def asked_again(out: str, name: str) -> bool:
    return FORM.field(name).prompt in out


# ---- a reply at a choice question ---------------------------------------------------------


def test_free_text_at_a_choice_question_gets_the_choice_error_not_a_policy_decline(core):
    out = script(core, [*at("party_type"), "today at 7:45 am"])
    assert "Please pick Student, Parent or guardian, or Other (or type 1, 2 or 3)." in out
    assert qa_strings.DECLINE not in out and strings.QUESTION_ASIDE.split("—")[0] not in out
    assert asked_again(out, "party_type") and "party_type" not in answers(core)


@pytest.mark.parametrize(
    ("field", "reply", "stored"),
    [
        ("party_type", "his mom", "parent"),
        ("party_type", "the student's mother", "parent"),
        ("party_type", "a pupil", "student"),
        ("party_type", "2", "parent"),
        ("phone", "my own cell", "personal_cell"),
        ("phone", "personal phone", "personal_cell"),
        ("phone", "the school's phone", "school_cell"),
    ],
)
def test_choices_are_read_from_how_staff_write(core, field, reply, stored):
    out = script(core, [*at(field), reply])
    assert answers(core)[field] == stored
    assert not asked_again(out, field)


# ---- a reply at a date question -----------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "last night at 9pm",
        "last night around 9",
        "this morning",
        "yesterday at 3:15",
        "an hour ago",
        "today at 12:01 am",
    ],
)
def test_times_staff_write_are_saved(core, reply):
    # Mid-afternoon, so that every reply names a time already past ("this morning" said
    # at 00:30 is in the future, and is refused as such).
    afternoon = datetime(2026, 11, 18, 15, 0, tzinfo=core.reports.services.settings.tz)
    core.reports.services.clock = lambda: afternoon
    out = script(core, [*at("call_time"), reply])
    assert "call_time" in answers(core), out
    assert qa_strings.DECLINE not in out and "Got it" in out


def test_a_reply_that_is_not_a_time_gets_the_date_error_with_examples(core):
    out = script(core, [*at("call_time"), "after the bell, in the gym"])
    assert strings.TIME_ERRORS["unrecognised"] in out and strings.TIME_EXAMPLES in out
    assert qa_strings.DECLINE not in out and asked_again(out, "call_time")


# ---- a reply at a number (length) question ------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "stored"),
    [
        ("10-15 min", "10–15 min"),
        ("about 10 minutes", "about 10 min"),
        ("quarter of an hour", "15 min"),
        ("1h 20m", "1 h 20 min"),
        ("5", "5 min"),
    ],
)
def test_lengths_are_read_and_stored_plainly(core, reply, stored):
    script(core, [*at("duration"), reply])
    assert answers(core)["duration"] == stored


def test_a_reply_that_is_not_a_length_gets_the_length_error(core):
    out = script(core, [*at("duration"), "not long at all"])
    assert strings.NOT_A_DURATION in out and asked_again(out, "duration")


# ---- questions typed at a question ----------------------------------------------------------


def test_a_question_that_is_not_an_answer_is_answered_and_the_question_repeats(core):
    out = script(core, [*at("other_way"), "is a report needed if it was a parent?"])
    aside = strings.QUESTION_ASIDE.format(title=FORM.title)
    back = strings.BACK_TO_FORM.format(title=FORM.title)
    assert out.index(aside) < out.index(back) < out.rindex(FORM.field("other_way").prompt)
    assert "other_way" not in answers(core)


def test_an_explicit_question_mark_is_always_a_question(core):
    out = script(core, [*at("party_name"), "? can I text a student"])
    assert strings.QUESTION_ASIDE.format(title=FORM.title) in out and "[3.5]" in out
    assert asked_again(out, "party_name") and "party_name" not in answers(core)


def test_a_question_typed_as_a_free_text_answer_is_not_saved_silently(core):
    question = "Should I have called the school office first instead of the parent"
    out = script(core, [*at("need"), question])
    assert strings.ANSWER_OR_ASK in out and "need" not in answers(core)
    out = say(core, "answer")
    assert answers(core)["need"] == question and asked_again(out, "content")


def test_ask_after_the_confirmation_looks_the_question_up(core):
    out = script(core, [*at("need"), "Can I use my personal cell phone to call a parent now"])
    out = say(core, "ask")
    assert strings.QUESTION_ASIDE.format(title=FORM.title) in out and "[3.5]" in out
    assert asked_again(out, "need") and "need" not in answers(core)


def test_a_real_answer_is_not_held_for_confirmation(core):
    text = "When the bell rang the student was gone and the office phone was dead all afternoon"
    out = script(core, [*at("need"), text])
    assert strings.ANSWER_OR_ASK not in out and answers(core)["need"] == text


# ---- the yes/no pre-checks ------------------------------------------------------------------


def test_the_double_negative_is_gone():
    prompt = FORM.field("other_way").prompt
    assert "no other" not in prompt.lower() and prompt.startswith("Could you")


@pytest.mark.parametrize(
    "reply",
    [
        "no",
        "No.",
        "nope",
        "no there wasn't",
        "correct, there was no other way",
        "there was no other way",
        "I couldn't, the office was closed",
        "not really",
    ],
)
def test_there_was_no_other_way_gets_no_warning(core, reply):
    out = script(core, [*at("other_way"), reply])
    assert answers(core)["other_way"] == "no"
    assert FORM.field("other_way").warning not in out
    assert asked_again(out, "call_time")


@pytest.mark.parametrize("reply", ["yes", "yeah", "yes, I could have emailed", "by email"])
def test_another_way_was_possible_gets_the_warning(core, reply):
    out = script(core, [*at("other_way"), reply])
    assert answers(core)["other_way"] == "yes"
    assert FORM.field("other_way").warning in out


def test_an_unclear_yes_no_is_asked_again_never_guessed(core):
    out = script(core, [*at("other_way"), "yes, there was no other way"])
    assert strings.NOT_YES_NO in out and "other_way" not in answers(core)


# ---- editing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Who was on the call", "who was on the call", "party type", "5", "who was on"]
)
def test_edit_takes_the_review_label_the_number_and_the_old_name(core, name):
    out = script(core, ["report", *REPORT_ANSWERS, f"edit {name}"])
    assert asked_again(out, "party_type")


def test_enter_keeps_the_current_answer_while_editing(core):
    out = script(core, ["report", *REPORT_ANSWERS, "edit phone", ""])
    assert strings.KEPT.format(value="Personal cell") in out
    assert answers(core)["phone"] == "personal_cell" and "Please review" in out


def test_edit_lists_the_review_labels(core):
    out = script(core, ["report", *REPORT_ANSWERS, "edit"])
    assert "Who was on the call" in out and "party type" not in out


# ---- privacy reminder -------------------------------------------------------------------------


def test_the_privacy_reminder_comes_once_per_report(core):
    outputs = [say(core, line) for line in ["report", *REPORT_ANSWERS]]
    assert sum(FORM.privacy_reminder in out for out in outputs) == 1


def test_the_privacy_reminder_returns_for_an_answer_with_a_full_name(core):
    out = script(core, [*at("party_name"), "Jane Doe, grade 8"])
    assert strings.PRIVACY_WHAT["name"] in out and FORM.privacy_reminder in out
    assert answers(core)["party_name"] == "Jane Doe, grade 8"  # saved as typed all the same
    out = say(core, "1")  # the next question without personal details: no reminder
    assert FORM.privacy_reminder not in out


# ---- the review -------------------------------------------------------------------------------


@pytest.mark.parametrize("reply", ["yes", "send", "Submit", "looks good", "ok, send it"])
def test_review_takes_everyday_submit_words(core, reply):
    out = script(core, ["report", *REPORT_ANSWERS, reply])
    assert "Submitted — your" in out and len(core.records.reports.find()) == 1


def test_review_says_what_to_type_and_sends_nothing_on_other_replies(core):
    out = script(core, ["report", *REPORT_ANSWERS])
    assert "type submit" in out
    out = say(core, "hmm let me think")
    assert "type submit" in out and not core.records.reports.find()


# ---- help and acknowledgement -----------------------------------------------------------------


def test_help_without_a_report_is_the_help(core):
    for command in ("help", "/edc help"):
        out = say(core, command)
        assert strings.NO_DRAFTS not in out and "/edc concern" in out


def test_nobody_acknowledges_their_own_report(core):
    script(core, ["report", *REPORT_ANSWERS, "submit"])
    [report] = core.records.reports.find()
    out = say(core, f"/edc ack {report.number}")
    assert strings.ACK_OWN.format(number=report.number) in out
    assert core.records.reports.get(report.number).acknowledgement is None
    out = say(core, f"/edc ack {report.number}", user="principal")
    assert strings.ACK_DONE.format(number=report.number) in out


def test_a_time_from_a_part_of_the_day_reads_about_in_the_review_and_the_report(core):
    lines = ["report", *REPORT_ANSWERS]
    lines[STEPS.index("call_time") + 1] = "20 minutes ago"
    script(core, lines)
    out = script(core, ["edit call time", "about an hour ago"])
    assert "Call time                        : about " in out
    out = script(core, ["edit call time", "45 minutes ago"])  # exact again: no "about"
    assert "Call time                        : about" not in out
    script(core, ["edit call time", "about an hour ago", "submit"])
    [report] = core.records.reports.find()
    shown = dict((label, value) for _, label, value in report.fields)
    assert shown["Call time"].startswith("about ")
