"""Helpers for the records-output tests: file real reports (through the real dialog, into a real
SQLite file) with chosen answers and times, then read them back with `python app.py reports …`."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import run_app
from tests.report_support import REPORT_ANSWERS, chat_env, say


def file_report(
    core,
    *,
    replace: dict[str, str] | None = None,
    user: str = "u1",
    name: str = "",
    at: datetime | None = None,
) -> str:
    """File one emergency-call report; `replace` swaps answers of REPORT_ANSWERS by value (so
    the helper does not depend on the order of the questions; a replacement with a newline
    answers two questions). Returns the report number."""
    if at is not None:
        core.reports.services.clock = lambda: at
    answers = [
        line
        for answer in REPORT_ANSWERS
        for line in (replace or {}).get(answer, answer).split("\n")
    ]
    for line in ["report", *answers]:
        say(core, line, user=user, name=name)
    receipt = say(core, "submit", user=user, name=name)
    assert "number " in receipt, receipt
    return receipt.split("number ")[1].split(".")[0]


def file_addendum(core, number: str, text: str, *, user: str = "u1") -> str:
    say(core, f"addendum {number}", user=user)
    say(core, text, user=user)
    receipt = say(core, "submit", user=user)
    assert "number " in receipt, receipt
    return receipt.split("number ")[1].split(".")[0]


def reports_cli(tmp_path, *args: str, **env: str):
    """`python app.py reports ARGS` over the test database; (exit code, stdout, stderr) as text,
    with stdout decoded without any newline translation (a raw CR must stay visible)."""
    proc = run_app("reports", *args, env=chat_env(tmp_path, **env))
    stderr = proc.stderr.decode("utf-8")
    assert "Traceback" not in stderr, stderr
    return proc.returncode, proc.stdout.decode("utf-8"), stderr
