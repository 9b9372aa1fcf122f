"""A full emergency-call report through `python app.py chat`: stored, delivered, acknowledged."""

from __future__ import annotations

import re

from bot.forms import strings
from handlers.console_notifier import LOG_NAME
from tests.conftest import run_app
from tests.report_support import CONTENT, REPORT_ANSWERS, SECRETS, chat_env


def chat(tmp_path, lines, **env):
    proc = run_app("chat", stdin="\n".join(lines) + "\n", env=chat_env(tmp_path, **env))
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
    return proc.stdout.decode()


def test_full_report_is_filed_delivered_and_acknowledged(tmp_path):
    out = chat(tmp_path, ["/edc report", *REPORT_ANSWERS, "submit"], USER="pat.teacher")
    number = re.search(r"number (EDC-\d{4}-\d{4})", out).group(1)
    assert strings.RECEIPT.split("{")[0] in out
    log = (tmp_path / LOG_NAME).read_text()
    assert log.count(f"key={number}:post:console:supervisors") == 1
    assert CONTENT not in log and "Ms Rivera" in log  # the log keeps only the summary

    out = chat(tmp_path, [f"/edc ack {number}"], USER="pat.teacher")
    assert strings.ACK_OWN.format(number=number) in out  # nobody acknowledges their own report
    assert strings.ACK_DONE.format(number=number) not in out

    out = chat(tmp_path, [f"/edc ack {number}", f"/edc ack {number}"], USER="principal")
    assert strings.ACK_DONE.format(number=number) in out
    assert "was already acknowledged" in out
    assert "[direct message to pat.teacher]" in out and "was acknowledged by principal" in out
    assert "update of" in (tmp_path / LOG_NAME).read_text()


def test_no_plaintext_in_the_database_files(tmp_path):
    chat(
        tmp_path,
        [
            "/edc report",
            *REPORT_ANSWERS,
            "submit",
            "/edc report",
            "yes",
            "yes",
            "yes",
            "20 minutes ago",
            "1",
            "Z.Q. confidential-draft-marker",
        ],
    )
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("edc.sqlite3*"))
    assert len(raw) > 10_000
    for secret in (*SECRETS, "Z.Q. confidential-draft-marker"):
        assert secret.encode() not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret


def test_receipt_numbers_count_up(tmp_path):
    out = chat(
        tmp_path,
        ["report", *REPORT_ANSWERS, "submit", "report", *REPORT_ANSWERS[:-1], "same", "submit"],
    )
    assert re.findall(r"number (EDC-\d{4}-\d{4})", out)[1].endswith("-0002")
    assert strings.REMEMBERED.format(value="Ms Rivera") in out
