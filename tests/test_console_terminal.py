"""The console in a real terminal (a pseudo-terminal): line editing and history through
readline, output wrapped to the window's width; and the reporter's name from the OS."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from bot.actions import START_FORM
from bot.messages import Button, Buttons, Reply, Text
from bot.render_text import fit, render
from handlers import console
from tests.conftest import ROOT, run_app
from tests.report_support import chat_env

COLUMNS = 60


class Terminal:
    """`python app.py chat` on a pseudo-terminal COLUMNS wide; `type` keys, `wait_for` output."""

    def __init__(self, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))
        full_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/")}
        full_env.update(env, TERM="xterm")
        self.process = subprocess.Popen(
            [sys.executable, "app.py", "chat"],
            cwd=ROOT,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            start_new_session=True,
        )
        os.close(slave)
        self.output = ""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_for(self, predicate, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.output):
                return self.output
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:  # the child closed the terminal
                    break
        raise AssertionError(f"not seen within {timeout} s:\n{self.output[-2000:]}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path):
    opened = Terminal(chat_env(tmp_path, USER="pat.teacher"))
    yield opened
    opened.close()


def test_arrow_up_recalls_the_last_line_and_output_fits_the_window(terminal):
    terminal.wait_for(lambda out: out.count(console.PROMPT) >= 1)
    terminal.type("/edc policy\r")
    terminal.wait_for(lambda out: "3.12" in out and out.count(console.PROMPT) >= 2)
    terminal.type("\x1b[A\r")  # up arrow: readline brings back "/edc policy"
    out = terminal.wait_for(lambda out: out.count("3.12") >= 2 and out.count(console.PROMPT) >= 3)
    assert "^[[A" not in out and "[A" not in out.replace("\x1b[A", "")
    terminal.type("help\r")
    out = terminal.wait_for(lambda out: "/edc concern" in out and out.count(console.PROMPT) >= 4)
    lines = [line.rstrip() for line in out.replace("\r", "").split("\n")]
    assert max(len(line) for line in lines if not line.startswith(console.PROMPT)) <= COLUMNS
    assert "*" not in out.split("help", 1)[1]  # no mrkdwn asterisks
    terminal.type("quit\r")
    assert terminal.process.wait(timeout=30) == 0


def test_piped_output_wraps_to_columns_when_given(tmp_path):
    proc = run_app("chat", stdin="help\n", env=chat_env(tmp_path, COLUMNS="50"))
    out = proc.stdout.decode()
    assert proc.returncode == 0 and "/edc concern" in out
    assert max(len(line) for line in out.splitlines()) <= 50


def test_buttons_are_shown_as_what_to_type():
    reply = Reply(
        (
            Text("*Reports:* see below"),
            Buttons(
                (
                    Button("Start emergency-call report", START_FORM, "emergency_call"),
                    Button("Submit", "dialog.submit"),
                    Button("3.5 Contact students", "clause.show", "3.5"),
                )
            ),
        ),
        kind="note",
        private=True,
    )
    text = render(reply)
    assert "[" not in text and "*" not in text and "Reports: see below" in text
    assert "/edc report" in text and "/edc 3.5" in text
    assert "Submit" not in text  # the dialog's own text says "type submit"


def test_fit_wraps_under_the_lines_own_indent():
    line = "  /edc report          — " + "file the written report " * 5
    wrapped = fit(line, 60).split("\n")
    assert all(len(part) <= 60 for part in wrapped) and len(wrapped) > 2
    indent = line.index("— ") + 2
    assert all(part.startswith(" " * indent) for part in wrapped[1:])


def test_the_reporter_is_the_os_user(monkeypatch):
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "jdoe")
    assert console.console_user() == "jdoe"
    monkeypatch.setenv("LOGNAME", "\x1b[31m")  # a control sequence is no name
    assert console.console_user() == console.FALLBACK_USER
