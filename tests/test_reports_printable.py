"""`reports export --format html`: the page a principal prints, signs and files — one page per
report, CONFIDENTIAL, the district and policy revision, every field once under the form's
label, the delay in hours and minutes, filed/acknowledged by and at, addenda, signature lines."""

from __future__ import annotations

import html
import re
import stat
from datetime import UTC, datetime

from bot.forms.spec import load_form
from knowledge.policy import load_policy
from tests.export_support import file_addendum, file_report, reports_cli
from tests.report_support import CONTENT, make_core, say

LATE = "4546 minutes ago\nI was on a field trip with no computer until this morning"
SCRIPT = "<script>alert('x')</script> <img src=x onerror=alert(1)>"
CORRECTION = "The call was at 7:45, not 8:45, and the nurse was told."


def _pages(out: str) -> list[str]:
    return re.findall(r'<section class="report">.*?</section>', out, flags=re.DOTALL)


def test_printable_report_has_what_a_principal_files(tmp_path, index):
    core = make_core(tmp_path, index)
    first = file_report(core, replace={"20 minutes ago": LATE, CONTENT: SCRIPT + " " + CONTENT})
    second = file_report(core)
    addendum = file_addendum(core, first, CORRECTION)
    core.worker.run_once(datetime.now(UTC))
    say(core, f"ack {first}", user="principal", name="Dr. Principal")
    core.records.close()

    code, out, _ = reports_cli(tmp_path, "export", "--format", "html")
    assert code == 0
    pages = _pages(out)
    assert len(pages) == 2  # the addendum is printed with its report, not on a page of its own
    assert "break-after: page" in out and "page-break-after: always" in out
    page = pages[0]
    district = load_policy().district
    for page_text in pages:
        assert "CONFIDENTIAL" in page_text and html.escape(district) in page_text
        assert "EDC Social Networking, revised 2014-07-16" in page_text and "item 3.5" in page_text
        assert page_text.count("Signature</span>") == 2 and page_text.count("Date</span>") == 2
    assert f"<strong>{first}</strong>" in page and f"<strong>{second}</strong>" in pages[1]

    # Every field once, under the form's own label; no second "supervisor" or "call time".
    form = load_form("emergency_call")
    for field in form.fields:
        assert page.count(f"<th>{html.escape(field.label)}") == 1, field.label
    assert page.count("<th>Delay until filed</th><td>75 h 46 min</td>") == 1
    assert "Delay (minutes)" not in out and "4546" not in page
    assert "<th>Supervisor</th>" not in out and "<th>Event time</th>" not in out
    assert page.count("I was on a field trip") == 1

    # Filed and acknowledged, each with "by" and "at".
    assert "<th>Filed by</th>" in page and "<th>Filed at</th>" in page
    assert "<th>Acknowledged by</th><td>Dr. Principal</td>" in page
    assert "<th>Acknowledged at</th>" in page
    assert "Not yet acknowledged" in pages[1]

    # Addenda: the correction, with its number, on the original's page.
    addenda = page.split("<h2>Addenda</h2>")[1]
    assert addendum in addenda and html.escape(CORRECTION) in addenda
    assert "No addenda" in pages[1]

    # Staff-typed markup is text, never markup.
    assert "<script" not in out and "<img" not in out
    assert html.escape(SCRIPT) in page


def test_one_file_per_form_in_a_directory(tmp_path, index):
    core = make_core(tmp_path, index)
    number = file_report(core)
    file_addendum(core, number, CORRECTION)
    core.records.close()
    out_dir = tmp_path / "records-request"
    out_dir.mkdir()

    code, _, err = reports_cli(tmp_path, "export", "--format", "csv")
    assert code == 2 and "one form per file" in err and "--form" in err

    code, _, err = reports_cli(tmp_path, "export", "--format", "csv", "--output", str(out_dir))
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["addendum.csv", "emergency_call.csv"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out_dir.iterdir())
    call = (out_dir / "emergency_call.csv").read_text()
    assert "Content of the communication" in call and "Correction or addition" not in call
    assert "Correction or addition" in (out_dir / "addendum.csv").read_text()

    new_dir = tmp_path / "new-request"
    code, _, err = reports_cli(tmp_path, "export", "--format", "json", "--output", f"{new_dir}/")
    assert code == 0, err
    assert sorted(p.name for p in new_dir.iterdir()) == ["addendum.json", "emergency_call.json"]
    assert stat.S_IMODE(new_dir.stat().st_mode) == 0o700

    code, out, _ = reports_cli(tmp_path, "export", "--format", "csv", "--form", "addendum")
    assert code == 0 and out.count("\r\n") == 2 and number + "-A1" in out


def test_a_pre_check_answered_no_is_marked_on_the_page(tmp_path, index):
    from bot.records.printable import PRECHECK_NOTE

    core = make_core(tmp_path, index)
    file_report(core, replace={"yes": "no"})
    report = core.records.reports.find()[0]
    core.records.close()
    assert report.warnings  # the dialog recorded which pre-checks were answered "no"
    code, out, _ = reports_cli(tmp_path, "export", "--format", "html")
    assert code == 0 and html.escape(PRECHECK_NOTE) in out
    for label in report.warnings:
        assert f"<th>{html.escape(label)} †</th>" in out
