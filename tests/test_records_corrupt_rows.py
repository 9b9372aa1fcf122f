"""One damaged report row (ciphertext that won't decrypt, or JSON that won't parse) is named and
skipped by `reports list/export/show/verify` and by delivery; it never blocks the others."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from cryptography.fernet import Fernet

from tests.conftest import run_app
from tests.report_support import KEY, REPORT_ANSWERS, chat_env, make_core, say


def _file_three(tmp_path) -> None:
    lines = []
    for _ in range(3):
        lines += ["report", *REPORT_ANSWERS, "submit"]
    proc = run_app("chat", stdin="\n".join(lines) + "\n", env=chat_env(tmp_path))
    assert proc.returncode == 0, proc.stderr.decode()


def _damage(path, number: str, body: str) -> None:
    db = sqlite3.connect(path)
    db.executescript("DROP TRIGGER IF EXISTS reports_no_update;")
    db.execute("UPDATE reports SET body = ? WHERE number = ?", (body, number))
    db.commit()
    db.close()


def _app(tmp_path, *args):
    proc = run_app(*args, env=chat_env(tmp_path))
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert "Traceback" not in out + err
    return proc.returncode, out, err


def test_a_damaged_row_is_named_and_skipped_by_every_command(tmp_path):
    _file_three(tmp_path)
    path = tmp_path / "edc.sqlite3"
    _damage(path, "EDC-2026-0002", "gAAAAA-not-a-fernet-token")
    _damage(path, "EDC-2026-0003", Fernet(KEY.encode()).encrypt(b"{not json").decode())

    code, out, err = _app(tmp_path, "reports", "list")
    assert code == 0 and "EDC-2026-0001" in out
    assert "EDC-2026-0002" not in out and "EDC-2026-0003" not in out
    assert "EDC-2026-0002" in err and "EDC-2026-0003" in err

    code, out, err = _app(tmp_path, "reports", "export", "--format", "json")
    assert [r["number"] for r in json.loads(out)] == ["EDC-2026-0001"]
    assert "EDC-2026-0002" in err and "EDC-2026-0003" in err
    code, out, err = _app(tmp_path, "reports", "export", "--format", "csv")
    assert "EDC-2026-0001" in out and "EDC-2026-0002" in err

    code, out, err = _app(tmp_path, "reports", "show", "EDC-2026-0002")
    assert code == 1 and "EDC-2026-0002" in err and len(err.strip().splitlines()) == 1
    code, out, _ = _app(tmp_path, "reports", "show", "EDC-2026-0001")
    assert code == 0 and "EDC-2026-0001" in out

    code, out, err = _app(tmp_path, "reports", "verify")
    assert code == 1
    assert "EDC-2026-0002" in out and "EDC-2026-0003" in out and "EDC-2026-0001" not in out


def test_a_damaged_row_does_not_stop_the_delivery_of_the_others(tmp_path, index):
    core = make_core(tmp_path, index)  # the worker is not started: nothing is delivered yet
    for _ in range(2):
        say(core, "report")
        for answer in REPORT_ANSWERS:
            say(core, answer)
        say(core, "submit")
    core.records.close()
    _damage(tmp_path / "edc.sqlite3", "EDC-2026-0001", "garbage")
    core = make_core(tmp_path, index)
    core.worker.run_once(datetime.now(UTC))
    core.worker.run_once(datetime.now(UTC))
    states = {
        r["subject"]: r["state"]
        for r in core.records.storage.rows("select subject, state from outbox where purpose='post'")
    }
    assert states == {"EDC-2026-0001": "failed", "EDC-2026-0002": "sent"}
    core.records.close()
