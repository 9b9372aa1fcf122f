"""Reports as CSV, JSON or printable HTML (one page per report, for the school file: item 3.6)."""

from __future__ import annotations

import csv
import html
import io
import json
from zoneinfo import ZoneInfo

from bot.records.models import Report
from bot.timeparse import describe

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EDC reports</title>
<style>
body {{ font: 11pt/1.4 Georgia, serif; margin: 2cm; }}
section {{ page-break-after: always; }}
section:last-child {{ page-break-after: auto; }}
h1 {{ font-size: 15pt; margin: 0 0 .3em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: .25em .5em; border-bottom: 1px solid #ccc; }}
th {{ width: 30%; }}
td {{ white-space: pre-wrap; }}
.meta {{ color: #444; font-size: 9pt; }}
</style></head><body>
{sections}
</body></html>
"""


def as_dict(report: Report, tz: ZoneInfo) -> dict:
    return {
        "number": report.number,
        "title": report.title,
        "form": report.form,
        "amends": report.amends,
        "status": report.status,
        "reporter": report.reporter_name,
        "reporter_id": report.user_key,
        "supervisor": report.supervisor,
        "event_at": describe(report.event_at, tz) if report.event_at else "",
        "started_at": describe(report.started_at, tz),
        "submitted_at": describe(report.submitted_at, tz),
        "delay_minutes": None if report.delay_seconds is None else report.delay_seconds // 60,
        "late_reason": report.late_reason,
        "prechecks_answered_no": list(report.warnings),
        "acknowledged_by": report.acknowledgement.by_name if report.acknowledgement else "",
        "acknowledged_at": describe(report.acknowledgement.at, tz)
        if report.acknowledgement
        else "",
        "policy_revision": report.policy_revision,
        "policy_sha256": report.policy_sha256,
        "fields": {label: value for _, label, value in report.fields},
    }


def export(reports: list[Report], fmt: str, tz: ZoneInfo) -> str:
    rows = [as_dict(r, tz) for r in reports]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(rows)
    return _PAGE.format(sections="\n".join(_section(row) for row in rows))


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    labels = list(dict.fromkeys(label for row in rows for label in row["fields"]))
    columns = [k for k in rows[0] if k != "fields"] if rows else ["number"]
    writer = csv.writer(out)
    writer.writerow(columns + labels)
    for row in rows:
        writer.writerow(
            [_cell(row[c]) for c in columns] + [row["fields"].get(label, "") for label in labels]
        )
    return out.getvalue()


def _cell(value) -> str:
    return "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)


def _section(row: dict) -> str:
    meta = [
        ("Number", row["number"]),
        ("Amends", row["amends"]),
        ("Reporter", row["reporter"]),
        ("Supervisor", row["supervisor"]),
        ("Event time", row["event_at"]),
        ("Started", row["started_at"]),
        ("Submitted", row["submitted_at"]),
        ("Delay (minutes)", row["delay_minutes"]),
        ("Reason for delay", row["late_reason"]),
        ("Pre-checks answered no", _cell(row["prechecks_answered_no"])),
        ("Acknowledged", " ".join(filter(None, [row["acknowledged_by"], row["acknowledged_at"]]))),
    ]
    body = [*((k, v) for k, v in meta if v not in ("", None)), *row["fields"].items()]
    cells = "\n".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in body
    )
    return (
        f"<section><h1>{html.escape(row['title'])} {html.escape(row['number'])}</h1>\n"
        f'<table>\n{cells}\n</table>\n<p class="meta">Filed under {html.escape(row["policy_revision"])} '
        f"(text SHA-256 {html.escape(row['policy_sha256'][:16])}…). Status: {html.escape(row['status'])}.</p>"
        "</section>"
    )
