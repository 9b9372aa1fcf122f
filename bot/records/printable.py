"""The printable report: one page per report, for a principal to sign and put in the file.

Each page carries the CONFIDENTIAL marking, the district, the policy and its revision, the
report number, who filed it and when, who acknowledged it and when, every field once under the
form's own label (as it was when the report was filed), the delay in hours and minutes, the
report's addenda, and signature and date lines. Everything staff typed is HTML-escaped and its
control characters made visible, so a field can neither inject markup nor reorder the text.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.forms.spec import FormError, load_form
from bot.records.export import clock_field, status_word
from bot.records.models import Report
from bot.safe_text import visible
from bot.timeparse import describe

CONFIDENTIAL = "CONFIDENTIAL"
HANDLING = "Contains information about students, families or staff. Keep in the confidential file."
DELAY_LABEL = "Delay until filed"
PRECHECK_NOTE = (
    "† Answered “no”: the policy's conditions for discussing a confidential matter by cell "
    "phone may not have been met (see the policy item named above)."
)
NO_ADDENDA = "No addenda were on file when this page was printed."
NOT_ACKNOWLEDGED = "Not yet acknowledged"
SIGNATURES = ("Immediate supervisor", "Staff member who filed the report")

_STYLE = """
@page { size: letter; margin: 1.5cm 1.8cm; @top-center { content: "CONFIDENTIAL"; font: bold 9pt sans-serif; letter-spacing: .2em; } }
body { font: 10pt/1.3 Georgia, "Times New Roman", serif; margin: 0; color: #000; }
section.report { break-after: page; page-break-after: always; }
section.report:last-of-type { break-after: auto; page-break-after: auto; }
.confidential { font: bold 12pt sans-serif; letter-spacing: .25em; text-align: center;
  border: 2px solid #000; padding: .15em; margin: 0 0 .5em; }
.district { font: 10pt sans-serif; text-align: center; margin: 0; }
h1 { font-size: 15pt; margin: .3em 0 .1em; text-align: center; }
.policy { font-size: 9pt; text-align: center; margin: 0 0 .6em; }
h2 { font: bold 10pt sans-serif; margin: .8em 0 .2em; border-bottom: 1px solid #000; }
table { border-collapse: collapse; width: 100%; }
h2 { break-after: avoid; page-break-after: avoid; }
th, td { text-align: left; vertical-align: top; padding: .15em .4em; border-bottom: 1px solid #bbb; }
th { width: 32%; font-weight: bold; }
td { white-space: pre-wrap; overflow-wrap: anywhere; }
.note { font-size: 9pt; }
.signatures { margin-top: 1em; break-inside: avoid; page-break-inside: avoid; }
.sign { display: flex; gap: 1.5em; margin-top: 2em; }
.sign span { border-top: 1px solid #000; padding-top: .2em; font-size: 9pt; }
.sign .who { flex: 2; } .sign .sig { flex: 3; } .sign .date { flex: 1.2; }
footer { margin-top: 1em; font-size: 8pt; color: #333; }
@media screen { body { max-width: 21cm; margin: 1cm auto; }
  section.report { border-bottom: 3px double #888; padding-bottom: 1.5cm; margin-bottom: 1.5cm; } }
"""


def printable_html(
    reports: list[Report], *, tz: ZoneInfo, district: str, printed_at: datetime
) -> str:
    """The page set: one page per report, each with its addenda; an addendum whose original is
    not among `reports` gets its own page."""
    numbers = {r.number for r in reports}
    addenda: dict[str, list[Report]] = {}
    for report in reports:
        if report.amends and report.amends in numbers:
            addenda.setdefault(report.amends, []).append(report)
    pages = [
        _page(r, addenda.get(r.number, []), tz=tz, district=district, printed_at=printed_at)
        for r in reports
        if not (r.amends and r.amends in numbers)
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{CONFIDENTIAL} — {_e(district)} — reports</title>"
        f"<style>{_STYLE}</style></head><body>\n" + "\n".join(pages) + "\n</body></html>\n"
    )


def hours_minutes(seconds: int) -> str:
    """'75 h 46 min', '12 min' — a delay as a principal reads it."""
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _page(
    report: Report, addenda: list[Report], *, tz: ZoneInfo, district: str, printed_at: datetime
) -> str:
    return (
        '<section class="report">\n'
        f'<p class="confidential">{CONFIDENTIAL}</p>\n'
        f'<p class="district">{_e(district)}</p>\n'
        f"<h1>{_e(report.title)}</h1>\n"
        f'<p class="policy">Report number <strong>{_e(report.number)}</strong> · '
        f"filed under {_e(report.policy_revision)}{_item(report.form)}</p>\n"
        f"<h2>Filing</h2>\n{_table(_filing_rows(report, tz))}\n"
        f"<h2>Report</h2>\n{_table(_field_rows(report))}\n"
        + (f'<p class="note">{_e(PRECHECK_NOTE)}</p>\n' if report.warnings else "")
        + f"<h2>Addenda</h2>\n{_addenda(addenda, tz)}\n"
        + _signatures()
        + f"<footer>{CONFIDENTIAL} · {_e(report.number)} · {_e(HANDLING)} Printed "
        f"{_e(describe(printed_at, tz))}. Policy text SHA-256 {_e(report.policy_sha256[:16])}…"
        "</footer>\n</section>"
    )


def _item(form: str) -> str:
    """', item 3.5': the policy item the form is filed under, from its definition."""
    try:
        return f", item {_e(load_form(form).clause)}"
    except FormError:
        return ""


def _filing_rows(report: Report, tz: ZoneInfo) -> list[tuple[str, str]]:
    ack = report.acknowledgement
    rows = [("Filed by", report.reporter_name), ("Filed at", describe(report.submitted_at, tz))]
    if report.amends:
        rows.append(("Addendum to", report.amends))
    rows.append(("Status", status_word(report)))
    if ack:
        rows += [("Acknowledged by", ack.by_name), ("Acknowledged at", describe(ack.at, tz))]
    else:
        rows.append(("Acknowledged", NOT_ACKNOWLEDGED))
    return rows


def _field_rows(report: Report) -> list[tuple[str, str]]:
    """Every field once, in the form's order, under its label; the delay right after the
    field it is measured from (the form's clock field: the call time)."""
    clock = clock_field(report.form)
    rows: list[tuple[str, str]] = []
    for name, label, value in report.fields:
        rows.append((label + (" †" if label in report.warnings else ""), value))
        if name == clock and report.delay_seconds is not None:
            rows.append((DELAY_LABEL, hours_minutes(report.delay_seconds)))
    if report.delay_seconds is not None and clock not in {name for name, _, _ in report.fields}:
        rows.append((DELAY_LABEL, hours_minutes(report.delay_seconds)))
    return rows


def _addenda(addenda: list[Report], tz: ZoneInfo) -> str:
    if not addenda:
        return f'<p class="note">{_e(NO_ADDENDA)}</p>'
    blocks = []
    for addendum in addenda:
        rows = [
            ("Addendum", addendum.number),
            ("Filed by", addendum.reporter_name),
            ("Filed at", describe(addendum.submitted_at, tz)),
            *((label, value) for _, label, value in addendum.fields),
        ]
        blocks.append(_table(rows))
    return "\n".join(blocks)


def _signatures() -> str:
    lines = "".join(
        f'<div class="sign"><span class="who">{_e(who)} (name)</span>'
        '<span class="sig">Signature</span><span class="date">Date</span></div>'
        for who in SIGNATURES
    )
    return f'<div class="signatures">{lines}</div>\n'


def _table(rows: list[tuple[str, str]]) -> str:
    body = "\n".join(f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>" for label, value in rows)
    return f"<table>\n{body}\n</table>"


def _e(text) -> str:
    return html.escape(visible(str(text if text is not None else "")), quote=True)
