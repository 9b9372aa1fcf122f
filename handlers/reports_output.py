"""What `python app.py reports list/show` print: the listing's columns and the audit trail,
in the district's time zone, with staff-typed text made safe for the terminal."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.records.audit import Entry
from bot.records.clock import parse
from bot.records.export import is_late, status_word
from bot.records.models import Report
from bot.safe_text import visible
from bot.timeparse import elapsed

NAME_WIDTH = 24
LATE = "late"


def listing(reports: list[Report], *, tz: ZoneInfo, late_after: timedelta) -> str:
    """One line per report: number, form, filed, status, late flag, delay, reporter, supervisor."""
    header = ("NUMBER", "FORM", "FILED", "STATUS", "LATE", "DELAY", "REPORTER", "SUPERVISOR")
    rows = [header] + [_row(r, tz, late_after) for r in reports]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    )


def _row(report: Report, tz: ZoneInfo, late_after: timedelta) -> tuple[str, ...]:
    delay = (
        "—" if report.delay_seconds is None else elapsed(timedelta(seconds=report.delay_seconds))
    )
    return (
        report.number,
        report.form,
        local_time(report.submitted_at.isoformat(), tz, seconds=False),
        status_word(report),
        LATE if is_late(report, late_after) else "",
        delay,
        _cell(report.reporter_name),
        _cell(report.supervisor),
    )


def audit_trail(entries: list[Entry], tz: ZoneInfo) -> str:
    lines = ["Audit trail (times in " + str(tz) + "):"]
    width = max((len(e.event) for e in entries), default=0)
    lines += [
        f"  {local_time(e.at, tz)}  {e.event.ljust(width)}  {visible(e.actor, keep_lines=False)}"
        for e in entries
    ]
    return "\n".join(lines)


def local_time(stamp: str, tz: ZoneInfo, *, seconds: bool = True) -> str:
    """'2026-11-30 07:10:03 EST' — a stored UTC stamp in the district's zone."""
    moment = parse(stamp).astimezone(tz)
    return moment.strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else "") + " %Z")


def _cell(text: str) -> str:
    text = visible(text, keep_lines=False)
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 1] + "…"
