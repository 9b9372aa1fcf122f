"""Property tests: any text at any question gets a saved answer, the field's own error, or the
"answer or ask?" confirmation — or, when it is a question, an answer to it followed by the
question the dialog is waiting for. Never a crash, never a bare policy decline."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import strings as qa_strings
from bot.forms import strings
from bot.forms.dialog import Dialog, Settings
from bot.forms.spec import form_names, load_form
from bot.forms.state import REVIEW
from bot.messages import Prompt, Text
from tests.report_support import REPORT_ANSWERS, make_core, say

NOW = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
SETTINGS = Settings(tz=ZoneInfo("America/New_York"), late_after=timedelta(hours=24))
# How staff write, mixed with arbitrary text.
STAFF = [
    "yes",
    "nope",
    "correct, there was no other way",
    "last night around 9",
    "today at 7:45 am",
    "my own cell",
    "10-15 min",
    "can I text a student?",
    "is that required",
    "? can I text a student",
    "clause 3.5",
    "3.5",
    "Jane Doe",
    "",
    "keep",
    "answer",
    "ask",
    "Should I have called the school office first instead of the parent",
]
REPLIES = st.one_of(st.sampled_from(STAFF), st.text(max_size=200))


def states(form_name: str, answers: list[str]):
    """Every question of a form, reached by answering the ones before it."""
    dialog = Dialog(form=load_form(form_name), settings=SETTINGS)
    turn = dialog.start(NOW)
    reached = [turn.state]
    for answer in answers:
        turn = dialog.answer(turn.state, answer, NOW)
        if turn.state.step == REVIEW:
            break
        if turn.state.step != reached[-1].step:
            reached.append(turn.state)
    return dialog, reached


FILLERS = {
    "emergency_call": REPORT_ANSWERS,
    "policy_concern": ["A colleague posted a photo of our students on a public page", "now"]
    + ["skip", "skip", "skip", "Ms Rivera"],
    "addendum": [],
}
CASES = [(name, state) for name in form_names() for state in states(name, FILLERS[name])[1]]


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(CASES), REPLIES)
def test_any_reply_at_any_question_is_handled(case, reply):
    form_name, state = case
    dialog = Dialog(form=load_form(form_name), settings=SETTINGS)
    step = state.step
    turn = dialog.answer(state, reply, NOW)
    if turn.outcome == "question":
        assert turn.question.strip() and turn.state.step == step
        return
    assert turn.outcome == ""
    saved = turn.state.answers.get(step) != state.answers.get(step) or turn.state.step != step
    warned = any(isinstance(p, Text) and p.style == "warning" for p in turn.parts)
    held = bool(turn.state.pending) and any(
        isinstance(p, Text) and p.text == strings.ANSWER_OR_ASK for p in turn.parts
    )
    assert saved or warned or held, (reply, turn.parts)
    if warned and not saved:  # the error comes with the question again
        assert any(isinstance(p, Prompt) and p.field == step for p in turn.parts)


_users = itertools.count()


@pytest.fixture(scope="module")
def core(tmp_path_factory, index):
    made = make_core(tmp_path_factory.mktemp("props"), index)
    yield made
    made.records.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(min_value=0, max_value=len(REPORT_ANSWERS) - 1), REPLIES)
def test_a_question_mid_dialog_always_repeats_the_pending_question(core, step, reply):
    user = f"p{next(_users)}"
    for line in ["report", *REPORT_ANSWERS[:step]]:
        say(core, line, user=user)
    draft = core.records.drafts.open_for(f"console:{user}")
    prompt = load_form("emergency_call").field(draft.state.step)
    out = say(core, reply, user=user)
    assert out.strip() and "incident" not in out
    title = load_form("emergency_call").title
    if qa_strings.DECLINE in out or strings.QUESTION_ASIDE.format(title=title) in out:
        back = out.rindex(strings.BACK_TO_FORM.format(title=title))
        assert prompt.prompt.split("{")[0] in out[back:]
