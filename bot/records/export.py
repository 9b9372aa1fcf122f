"""Reports as CSV or JSON for records requests, and as printable HTML (bot/records/printable.py).

Exports are read by spreadsheets and terminals, so every value staff typed is made harmless
here, once, for every format:

- CSV: one form per file (each form has its own columns). A cell that a spreadsheet would read
  as a formula (=, +, -, @, tab, CR first — also after leading spaces, and their full-width
  forms) is prefixed with ' and every cell is quoted, as the OWASP CSV-injection guidance says.
- Control characters and bidi overrides are shown as visible escapes (bot/safe_text.py) in CSV
  and HTML; JSON keeps them exact but writes them as \\u escapes, so no raw one reaches a terminal.
- Times are ISO 8601 in the district's time zone with their UTC offset
  (2026-11-30T07:10:00-05:00): machine-readable, and they sort as text.

Files are written owner-only (0600), also when they replace an existing file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.records.models import Report
from bot.safe_text import visible

STATUS_WORDS = {"submitted": "filed"}  # what staff and principals call a report not yet delivered
_FORMULA_START = re.compile(r"^[\s\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20\t\r]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class ExportError(ValueError):
    """The export can't be written as asked; the message says what to do instead."""


def status_word(report: Report) -> str:
    return STATUS_WORDS.get(report.status, report.status)


def is_late(report: Report, late_after: timedelta) -> bool:
    """Filed later than the district's limit after the event (EDC_REPORT_DELAY_HOURS)."""
    return report.delay_seconds is not None and report.delay_seconds > late_after.total_seconds()


def iso(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else ""


def record(report: Report, *, tz: ZoneInfo, late_after: timedelta, clock_field: str = "") -> dict:
    """One report as a flat, machine-readable record. The form's clock field (the call time)
    is the `event_at` column, as ISO 8601, rather than a display string among the fields."""
    ack = report.acknowledgement
    return {
        "number": report.number,
        "form": report.form,
        "title": report.title,
        "amends": report.amends,
        "status": status_word(report),
        "reporter": report.reporter_name,
        "reporter_id": report.user_key,
        "event_at": iso(report.event_at, tz),
        "filed_at": iso(report.submitted_at, tz),
        "started_at": iso(report.started_at, tz),
        "delay_minutes": None if report.delay_seconds is None else report.delay_seconds // 60,
        "late": is_late(report, late_after),
        "prechecks_answered_no": list(report.warnings),
        "acknowledged_by": ack.by_name if ack else "",
        "acknowledged_at": iso(ack.at if ack else None, tz),
        "policy_revision": report.policy_revision,
        "policy_sha256": report.policy_sha256,
        "fields": {label: value for name, label, value in report.fields if name != clock_field},
    }


def clock_field(form: str) -> str:
    """The field a form's delay is measured from (its event time); "" for a retired form."""
    from bot.forms.spec import FormError, load_form

    try:
        return load_form(form).clock_field
    except FormError:
        return ""


def render(
    reports: list[Report],
    fmt: str,
    *,
    tz: ZoneInfo,
    late_after: timedelta,
    district: str,
    printed_at: datetime,
) -> str:
    """The reports in one document. CSV takes one form only (ExportError otherwise)."""
    if fmt == "html":
        from bot.records.printable import printable_html

        return printable_html(reports, tz=tz, district=district, printed_at=printed_at)
    records = [
        record(r, tz=tz, late_after=late_after, clock_field=clock_field(r.form)) for r in reports
    ]
    return to_json(records) if fmt == "json" else to_csv(records)


def render_per_form(reports: list[Report], fmt: str, **options) -> dict[str, str]:
    """One document per form, named FORM.EXT. In HTML an addendum is printed with its report,
    so it goes in the file of that report's form."""
    numbers = {r.number: r for r in reports}
    groups: dict[str, list[Report]] = {}
    for report in reports:
        root = numbers.get(report.amends) if fmt == "html" and report.amends else None
        groups.setdefault((root or report).form, []).append(report)
    return {f"{form}.{fmt}": render(group, fmt, **options) for form, group in groups.items()}


def check_one_file(fmt: str, forms: set[str]) -> None:
    """Raise ExportError if reports of these forms can't share one file of format `fmt`."""
    if fmt == "csv" and len(forms) > 1:
        raise ExportError(
            f"CSV holds one form per file and these reports are of {len(forms)} forms "
            f"({', '.join(sorted(forms))}): add --form NAME, or give --output a directory "
            "to get one file per form"
        )


def to_csv(records: list[dict]) -> str:
    """One form's records: the shared columns, then that form's fields in the form's order."""
    check_one_file("csv", {r["form"] for r in records})
    columns = [k for k in (records[0] if records else record_columns()) if k != "fields"]
    labels = list(dict.fromkeys(label for r in records for label in r["fields"]))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(columns + labels)
    for r in records:
        cells = [r[c] for c in columns] + [r["fields"].get(label, "") for label in labels]
        writer.writerow([_csv_cell(v) for v in cells])
    return out.getvalue()


def record_columns() -> list[str]:
    return [
        "number",
        "form",
        "title",
        "amends",
        "status",
        "reporter",
        "reporter_id",
        "event_at",
        "filed_at",
        "started_at",
        "delay_minutes",
        "late",
        "prechecks_answered_no",
        "acknowledged_by",
        "acknowledged_at",
        "policy_revision",
        "policy_sha256",
    ]


def to_json(records: list[dict]) -> str:
    text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    # json.dumps escapes C0 controls itself; escape DEL, C1 and the bidi controls too, so the
    # file is exact (they parse back) but never drives a terminal it is printed to.
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _csv_cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)  # our own numbers (delay minutes) are never a formula
    text = "; ".join(value) if isinstance(value, list) else str(value)
    if _FORMULA_START.match(text):
        text = "'" + text
    return visible(text)


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable by its owner only (0600), replacing any existing file
    whole: a temporary file created 0600 in the same directory, then renamed over `path`, so an
    existing file's looser mode is never kept and a failed write leaves the old file intact."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
