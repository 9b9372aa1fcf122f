"""Each form speaks its own language, and a command starts the form it names — also through an
open draft's "start over"."""

from __future__ import annotations

import pytest

from bot.forms import strings
from bot.forms.spec import load_form
from bot.render_text import render
from tests.report_support import REPORT_ANSWERS, make_core, press, say

CONCERN = load_form("policy_concern")
REPORT = load_form("emergency_call")
WHAT = "A colleague posted a photo of our students on a public page with their faces"


@pytest.fixture
def core(tmp_path, index):
    made = make_core(tmp_path, index)
    yield made
    made.records.close()


def test_the_concern_notice_uses_its_own_clock_and_labels(core):
    lines = ["concern", WHAT, "20 minutes ago", "skip", "skip", "skip", "Ms Rivera"]
    outputs = [say(core, line) for line in lines]
    conversation = "\n".join(outputs)
    assert "Aware since" in outputs[2] and "item 3.9" in outputs[2]
    review = outputs[-1]
    assert "When you became aware" in review and "Time since you became aware" in review
    for call_wording in ("Call at", "Call time", "the call", "Delay between"):
        assert call_wording not in conversation, call_wording


def test_the_emergency_report_keeps_its_call_wording(core):
    out = "\n".join(say(core, line) for line in ["report", "yes", "yes", "no", "20 minutes ago"])
    assert "Call at" in out and "without avoidable delay" in out


def test_concern_then_start_over_starts_the_concern(core):
    say(core, "report")
    say(core, "yes")
    offer = say(core, "/edc concern")
    assert "resume" in offer and CONCERN.title in offer and REPORT.title in offer
    out = say(core, "start over")
    assert out.startswith(CONCERN.title) and CONCERN.field("what").prompt in out
    assert core.records.drafts.open_for("console:u1").form == "policy_concern"


def test_the_start_over_button_starts_the_form_asked_for(core):
    say(core, "report")
    say(core, "/edc concern")
    out = "\n".join(render(r) for r in press(core, "report.new", "policy_concern"))
    assert CONCERN.field("what").prompt in out
    assert core.records.drafts.open_for("console:u1").form == "policy_concern"


def test_resume_after_the_offer_forgets_the_other_form(core):
    say(core, "report")
    say(core, "/edc concern")
    out = say(core, "resume")
    assert REPORT.field("confidential").prompt in out
    say(core, "yes")
    out = say(core, "start over")  # now it restarts the report itself
    assert out.startswith(REPORT.title)
    assert core.records.drafts.open_for("console:u1").form == "emergency_call"


def test_start_over_with_the_same_form_starts_it_again(core):
    say(core, "report")
    say(core, "yes")
    assert strings.OPEN_DRAFT.split("{")[0] in say(core, "report")
    out = say(core, "start over")
    assert out.startswith(REPORT.title)
    assert core.records.drafts.open_for("console:u1").state.answers == {}


def test_titles_read_naturally_in_sentences(core):
    say(core, "report")
    out = say(core, "help")
    assert "your Emergency-call written report" in out
    assert " a Emergency" not in out and " an Emergency" not in out


def test_addendum_then_start_over_starts_the_addendum_to_that_report(core):
    for line in ["report", *REPORT_ANSWERS, "submit"]:
        say(core, line)
    [report] = core.records.reports.find()
    say(core, "concern")
    offer = say(core, f"/edc addendum {report.number}")
    assert strings.ADDENDUM_TITLE.format(number=report.number) in offer
    out = say(core, "start over")
    assert report.number in out
    draft = core.records.drafts.open_for("console:u1")
    assert draft.form == "addendum" and draft.state.context == {"amends": report.number}
