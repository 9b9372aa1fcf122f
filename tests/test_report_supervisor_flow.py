"""In-process over a real SQLite file: summary mode and audited views, private-only dialogs,
buttons (stale and double presses), re-announce once, draft reminders, whole-form submission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.actions import START_FORM
from bot.forms import strings
from bot.messages import Fields, Incoming
from handlers.console_notifier import LOG_NAME
from tests.report_support import CONTENT, REPORT_ANSWERS, make_core, press, say


def _file(core, user="u1") -> str:
    for line in ["report", *REPORT_ANSWERS]:
        say(core, line, user=user)
    return say(core, "submit", user=user).split("number ")[1].split(".")[0]


def test_summary_mode_keeps_content_out_of_the_channel_and_audits_views(tmp_path, index):
    core = make_core(tmp_path, index, delivery_mode="summary")
    number = _file(core)
    core.worker.run_once(datetime.now(UTC))
    log = (tmp_path / LOG_NAME).read_text()
    assert number in log and CONTENT not in log and f"/edc view {number}" in log
    replies = press(core, "report.view", number, user="principal", private=False)
    assert replies[0].private and CONTENT in str(replies[0].parts)
    reads = [e for e in core.records.audit_entries(number) if e.event == "report.read"]
    assert [(e.actor, e.detail["via"]) for e in reads] == [("console:principal", "chat")]


def test_only_allowed_people_acknowledge_or_view(tmp_path, index):
    core = make_core(tmp_path, index)
    core.reports.services.can_acknowledge = lambda incoming: incoming.user_id == "principal"
    number = _file(core)
    assert strings.ACK_NOT_ALLOWED in say(core, f"ack {number}", user="u2")
    assert strings.VIEW_NOT_ALLOWED in say(core, f"view {number}", user="u2")
    assert strings.ACK_DONE.format(number=number) in say(core, f"ack {number}", user="principal")


def test_dialog_started_in_a_channel_goes_to_the_dm(tmp_path, index):
    core = make_core(tmp_path, index)
    replies = press(core, START_FORM, "emergency_call", user="u3", private=False)
    assert replies[0].to == "" and "private message" in str(replies[0].parts)
    assert replies[1].to == "dm" and "confidential matter" in str(replies[1].parts)
    say(core, "yes", user="u3", private=False)
    draft = core.records.drafts.open_for("console:u3")
    assert draft.state.answers == {}  # channel messages are never taken as answers


def test_stale_and_double_button_presses_never_answer_the_wrong_question(tmp_path, index):
    core = make_core(tmp_path, index)
    say(core, "report")
    press(core, "dialog.answer", "confidential=yes")
    replies = press(core, "dialog.answer", "confidential=no")  # double click on the first question
    assert strings.STALE_BUTTON in str(replies[0].parts)
    assert core.records.drafts.open_for("console:u1").state.answers == {"confidential": "yes"}
    for line in REPORT_ANSWERS[1:]:
        say(core, line)
    first = press(core, "dialog.submit")
    second = press(core, "dialog.submit")
    number = str(first[0].parts).split("number ")[1].split(".")[0]
    assert strings.ALREADY_SUBMITTED.format(number=number) in str(second[0].parts)
    assert len(core.records.reports.find()) == 1


def test_unacknowledged_report_is_reannounced_once(tmp_path, index):
    core = make_core(tmp_path, index, ack_reminder_hours=1.0)
    number = _file(core)
    now = datetime.now(UTC)
    core.worker.run_once(now)
    for hours in (0.5, 1.5, 3, 6):
        core.worker.run_once(now + timedelta(hours=hours))
    log = (tmp_path / LOG_NAME).read_text()
    assert log.count(strings.CARD_REANNOUNCE.format(number=number)) == 1


def test_idle_draft_gets_one_reminder_per_pause(tmp_path, index):
    core = make_core(tmp_path, index, draft_reminder_minutes=30.0)
    sent = []
    notifier = core.worker.routes["console"].notifier
    notifier.send_direct = lambda user_id, reply: sent.append((user_id, reply))
    say(core, "report")
    say(core, "yes")
    now = datetime.now(UTC)
    for minutes in (10, 31, 45, 90):
        core.worker.run_once(now + timedelta(minutes=minutes))
    assert [u for u, _ in sent] == ["u1"]
    assert "1 of 12 answered" in str(sent[0][1].parts)


def test_submit_form_returns_per_field_errors_then_files(tmp_path, index):
    core = make_core(tmp_path, index)
    incoming_values = {"what": "short", "aware_time": "tomorrow 9am", "supervisor": "Ms Rivera"}
    who = Incoming(
        text="", user_id="u9", conversation_id="c", platform="console", user_name="T. Teacher"
    )
    result = core.reports.submit_form(who, "policy_concern", incoming_values)
    assert set(result.errors) == {"what", "aware_time"} and not result.ok
    result = core.reports.submit_form(
        who,
        "policy_concern",
        {
            **incoming_values,
            "what": "A colleague posted student photos with full names on a public page",
            "aware_time": "20 minutes ago",
        },
    )
    assert result.ok and result.report_number.startswith("EDC-C-")
    report = core.records.reports.get(result.report_number)
    assert report.reporter_name == "T. Teacher" and report.fields[-1][2] == "Ms Rivera"


def test_addendum_is_linked_to_the_original(tmp_path, index):
    core = make_core(tmp_path, index)
    number = _file(core)
    assert "Addendum to" in say(core, f"addendum {number}")
    say(core, "The call was at 7:45 not 8:45 and the nurse was told")
    out = say(core, "submit")
    assert f"{number}-A1" in out
    addendum = core.records.reports.get(f"{number}-A1")
    assert addendum.amends == number and core.records.reports.get(number).fields  # original intact
    assert strings.ADDENDUM_UNKNOWN.format(number=number) in say(
        core, f"addendum {number}", user="other"
    )


def test_review_shows_every_field(tmp_path, index):
    core = make_core(tmp_path, index)
    say(core, "report")
    for line in REPORT_ANSWERS[:-1]:
        say(core, line)
    replies = core.bot.handle(Incoming(text=REPORT_ANSWERS[-1], user_id="u1", conversation_id="c"))
    fields = next(p for p in replies[0].parts if isinstance(p, Fields))
    assert len(fields.items) == 12 and ("Content of the communication", CONTENT) in fields.items
