"""back, edit, skip, status, cancel, help, bad dates and short answers — as typed in the console."""

from __future__ import annotations

from bot.forms import strings
from bot.forms.spec import load_form
from tests.conftest import run_app
from tests.report_support import REPORT_ANSWERS, chat_env

FORM = load_form("emergency_call")


def chat(tmp_path, lines):
    proc = run_app("chat", stdin="\n".join(lines) + "\n", env=chat_env(tmp_path))
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    return proc.stdout.decode()


def blocks(out: str) -> list[str]:
    return out.split("\n\n")


def test_back_returns_to_the_previous_question_with_its_answer(tmp_path):
    out = chat(tmp_path, ["report", "yes", "no", "back"])
    assert FORM.field("emergency").prompt in blocks(out)[-2]
    assert strings.CURRENT_ANSWER.format(value="No") in blocks(out)[-2]


def test_edit_from_review_changes_one_answer_and_returns_to_review(tmp_path):
    out = chat(tmp_path, ["report", *REPORT_ANSWERS, "edit phone", "2", "status"])
    assert "Phone used                       : School-issued cell" in out.split("Please review")[-1]
    assert strings.STATUS_ALL_DONE in out


def test_skip_only_optional_questions(tmp_path):
    out = chat(tmp_path, ["report", "skip"])
    assert strings.CANNOT_SKIP.format(prompt_hint="").strip() in out
    out = chat(tmp_path, ["report", "resume", *REPORT_ANSWERS[:10], "skip"])
    assert strings.SKIPPED in out


def test_cancel_asks_first_and_keeps_the_draft_as_cancelled(tmp_path):
    out = chat(tmp_path, ["report", "yes", "cancel", "no", "cancel", "yes", "drafts"])
    assert out.count(strings.CANCEL_CONFIRM.format(title=FORM.title)) == 2
    assert strings.NOT_CANCELLED in out
    assert strings.CANCELLED.format(command="report") in out
    assert "(cancelled)" in blocks(out)[-2]


def test_invalid_dates_get_a_clear_message(tmp_path):
    out = chat(
        tmp_path,
        ["report", "yes", "yes", "yes", "tomorrow 3pm", "yesterday", "2/30 10:00", "banana"],
    )
    for code in ("future", "no_time", "bad_date", "unrecognised"):
        assert strings.TIME_ERRORS[code] in out
    assert out.count(FORM.field("call_time").prompt) >= 5


def test_short_answers_are_refused_with_the_minimum(tmp_path):
    out = chat(tmp_path, ["report", *REPORT_ANSWERS[:8], "it was urgent"])
    assert strings.TOO_SHORT_WORDS.format(min=8, count=3) in out


def test_policy_question_mid_dialog_is_answered_then_the_question_repeats(tmp_path):
    out = chat(
        tmp_path,
        [
            "report",
            "yes",
            "? can I text a student",
            "can I use my personal cell phone to call a parent?",
        ],
    )
    parts = blocks(out)
    assert any("[3.5]" in block for block in parts)
    assert (
        parts[-2].startswith(FORM.field("emergency").prompt)
        or FORM.field("emergency").prompt in parts[-2]
    )


def test_help_and_status_inside_the_dialog(tmp_path):
    out = chat(tmp_path, ["report", "yes", "help", "status"])
    assert "edit <question>" in out
    assert strings.STATUS_HEADING.format(title=FORM.title, done=1, total=12) in out


def test_late_report_requires_a_reason(tmp_path):
    out = chat(
        tmp_path,
        ["report", "yes", "yes", "yes", "3 days ago", "busy", "I was on a field trip until today"],
    )
    assert "more than 24 hours after the call" in out
    assert strings.TOO_SHORT_WORDS.format(min=3, count=1) in out
    assert FORM.field("party_type").prompt in blocks(out)[-2]
