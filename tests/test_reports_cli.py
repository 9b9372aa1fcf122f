"""`python app.py reports list/show/export/verify`, and verify catching a tampered row."""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import run_app
from tests.report_support import CONTENT, REPORT_ANSWERS, chat_env


def _app(tmp_path, *args):
    proc = run_app(*args, env=chat_env(tmp_path))
    assert b"Traceback" not in proc.stderr
    return proc.returncode, proc.stdout.decode()


def _two_reports(tmp_path):
    lines = [
        "report",
        *REPORT_ANSWERS,
        "submit",
        "report",
        *REPORT_ANSWERS,
        "submit",
    ]
    proc = run_app("chat", stdin="\n".join(lines) + "\n", env=chat_env(tmp_path, USER="teacher"))
    assert proc.returncode == 0
    # A reporter cannot acknowledge their own report: the supervisor does, as another user.
    proc = run_app("chat", stdin="ack EDC-2026-0001\n", env=chat_env(tmp_path, USER="principal"))
    assert proc.returncode == 0


def test_list_show_export_verify(tmp_path):
    _two_reports(tmp_path)
    code, out = _app(tmp_path, "reports", "list")
    assert code == 0 and "EDC-2026-0001" in out and "EDC-2026-0002" in out
    assert "acknowledged" in out and "delivered" in out
    code, out = _app(tmp_path, "reports", "list", "--status", "acknowledged")
    assert "EDC-2026-0001" in out and "EDC-2026-0002" not in out

    code, out = _app(tmp_path, "reports", "show", "EDC-2026-0002")
    assert code == 0 and CONTENT in out and "report.submitted" in out
    code, out = _app(tmp_path, "reports", "show", "EDC-2026-0002")
    assert "report.read" in out  # the first show was audited

    code, out = _app(tmp_path, "reports", "export", "--format", "json")
    rows = json.loads(out)
    assert [r["number"] for r in rows] == ["EDC-2026-0001", "EDC-2026-0002"]
    assert rows[0]["fields"]["Content of the communication"] == CONTENT
    code, out = _app(tmp_path, "reports", "export", "--format", "csv")
    assert out.splitlines()[0].startswith('"number",') and out.count("EDC-2026-000") == 2
    code, out = _app(tmp_path, "reports", "export", "--format", "html")
    assert out.count('<section class="report">') == 2 and "page-break-after" in out

    code, out = _app(tmp_path, "reports", "verify")
    assert code == 0 and out.startswith("OK:")


def test_bad_input_gets_a_message_not_a_traceback(tmp_path):
    _two_reports(tmp_path)
    code, _ = _app(tmp_path, "reports", "show", "EDC-2026-9999")
    assert code == 1
    proc = run_app("reports", "list", "--since", "yesterday-ish", env=chat_env(tmp_path))
    assert proc.returncode == 2 and b"is not a date" in proc.stderr


def test_verify_detects_a_tampered_report_and_audit_entry(tmp_path):
    _two_reports(tmp_path)
    db = sqlite3.connect(tmp_path / "edc.sqlite3")
    db.executescript("""
        DROP TRIGGER reports_no_update;
        UPDATE reports SET delay_seconds = 60 WHERE number = 'EDC-2026-0002';
        DROP TRIGGER audit_no_update;
        UPDATE audit SET actor = 'someone-else' WHERE seq = 2;
    """)
    db.commit()
    db.close()
    code, out = _app(tmp_path, "reports", "verify")
    assert code == 1
    assert "EDC-2026-0002 was changed after it was submitted" in out
    assert "audit entry 2" in out


def test_triggers_refuse_updates_to_submitted_reports(tmp_path):
    _two_reports(tmp_path)
    db = sqlite3.connect(tmp_path / "edc.sqlite3")
    try:
        db.execute("DELETE FROM reports WHERE number = 'EDC-2026-0001'")
        raise AssertionError("delete was allowed")
    except sqlite3.IntegrityError as exc:
        assert "append-only" in str(exc)
