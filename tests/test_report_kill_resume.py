"""kill -9 in the middle of a report, start again: the user continues exactly where they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bot.forms import strings
from bot.forms.spec import load_form
from tests.conftest import ROOT, run_app
from tests.report_support import REPORT_ANSWERS, chat_env

FORM = load_form("emergency_call")


def _read_until(proc: subprocess.Popen, marker: str, timeout: float = 30) -> str:
    seen, deadline = b"", time.monotonic() + timeout
    while marker.encode() not in seen:
        assert time.monotonic() < deadline, seen.decode()
        chunk = os.read(proc.stdout.fileno(), 65536)
        assert chunk, seen.decode()
        seen += chunk
    return seen.decode()


def test_sigkill_mid_dialog_then_resume(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), **chat_env(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "app.py", "chat"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    proc.stdin.write(("report\n" + "\n".join(REPORT_ANSWERS[:6]) + "\n").encode())
    proc.stdin.flush()
    _read_until(proc, FORM.field("phone").prompt)  # question 7 is on screen: 6 answers saved
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL

    out = run_app(
        "chat", stdin="\n".join([*REPORT_ANSWERS[6:], "submit"]) + "\n", env=chat_env(tmp_path)
    )
    text = out.stdout.decode()
    welcome = text.split("\n\n")[0]
    assert strings.WELCOME_BACK.format(title=FORM.title) in welcome
    assert FORM.field("phone").prompt in welcome
    assert "Name or initials                 : J.D. grade 8" in text
    assert "number EDC-" in text
