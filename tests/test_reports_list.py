"""`reports list`: form, supervisor, late flag and status per report; `--since` in the words
people use; `reports show` gives audit times in the district's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.export_support import file_report, reports_cli
from tests.report_support import SUPERVISOR, make_core, say

LATE = "4546 minutes ago\nI was on a field trip with no computer until this morning"


def _line(out: str, number: str) -> list[str]:
    return next(line for line in out.splitlines() if line.startswith(number + " ")).split()


def test_list_shows_form_supervisor_late_flag_and_status(tmp_path, index):
    core = make_core(tmp_path, index)
    late = file_report(core, replace={"20 minutes ago": LATE, SUPERVISOR: "Ms Okafor"})
    core.worker.run_once(datetime.now(UTC))
    say(core, f"ack {late}", user="principal")
    delivered = file_report(core)
    core.worker.run_once(datetime.now(UTC))
    filed = file_report(core)  # not delivered yet
    core.records.close()

    code, out, _ = reports_cli(tmp_path, "list")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == [
        "NUMBER",
        "FORM",
        "FILED",
        "STATUS",
        "LATE",
        "DELAY",
        "REPORTER",
        "SUPERVISOR",
    ]
    row = _line(out, late)
    assert row[1] == "emergency_call" and "acknowledged" in row and "late" in row
    assert row[-2:] == ["Ms", "Okafor"] and "75 h" not in out  # the listing keeps it short
    assert "delivered" in _line(out, delivered) and "late" not in _line(out, delivered)
    assert "filed" in _line(out, filed) and _line(out, filed)[-2:] == SUPERVISOR.split()

    code, out, _ = reports_cli(tmp_path, "list", "--status", "filed")
    assert filed in out and delivered not in out and late not in out


def test_since_takes_the_words_people_use(tmp_path, index):
    tz = ZoneInfo("America/New_York")
    now = datetime.now(UTC)
    core = make_core(tmp_path, index)
    old = file_report(core, at=now - timedelta(days=10))
    recent = file_report(core, at=now - timedelta(days=2))
    today = file_report(core, at=now)
    core.records.close()
    monday = (now.astimezone(tz) - timedelta(days=now.astimezone(tz).weekday())).date()
    expected = {
        "yesterday": {today},
        "today": {today},
        "3 days ago": {recent, today},
        "2 weeks ago": {old, recent, today},
        "this week": {
            r for r, at in ((old, 10), (recent, 2), (today, 0)) if _on_or_after(now, at, monday, tz)
        },
        (now - timedelta(days=5)).astimezone(tz).date().isoformat(): {recent, today},
    }
    for words, numbers in expected.items():
        code, out, err = reports_cli(tmp_path, "list", "--since", words)
        assert code == 0, (words, err)
        assert {n for n in (old, recent, today) if n in out} == numbers, words

    code, out, err = reports_cli(tmp_path, "list", "--since", "the day the music died")
    assert code == 2 and "is not a date" in err and "last monday" in err and out == ""


def _on_or_after(now, days_ago, day, tz) -> bool:
    return (now - timedelta(days=days_ago)).astimezone(tz).date() >= day


def test_audit_times_are_shown_in_the_district_time_zone(tmp_path, index):
    filed_at = datetime(2026, 11, 30, 15, 10, 5, tzinfo=UTC)  # 07:10:05 in Los Angeles
    core = make_core(tmp_path, index, timezone="America/Los_Angeles")
    number = file_report(core, at=filed_at)
    core.records.close()
    code, out, _ = reports_cli(tmp_path, "show", number, EDC_TIMEZONE="America/Los_Angeles")
    assert code == 0
    trail = out.split("Audit trail")[1]
    submitted = next(line for line in trail.splitlines() if "report.submitted" in line)
    assert "2026-11-30 07:10:05 PST" in submitted
    assert "15:10" not in trail and "+00:00" not in trail
