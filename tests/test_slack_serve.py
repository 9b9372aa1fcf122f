"""`python app.py serve` as a district would run it: the wiring in app.py, one HTTP port for
/slack/events and /healthz, signature checks on, answers reaching the (fake) Slack."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.slack_support import (
    BOT_TOKEN,
    FORM,
    JSON,
    SIGNING_SECRET,
    SUPERVISOR_CHANNEL,
    FakeSlack,
    LoopThread,
    action_body,
    command_body,
    event_body,
    post,
)

_SERVE_PIDS: dict[str, int] = {}


def _serve_pid(base: str) -> int:
    return _SERVE_PIDS[base]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    loop = LoopThread()
    fake = FakeSlack(loop)
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PORT": str(port),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "SLACK_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
        "DATABASE_PATH": str(tmp_path / "edc.sqlite3"),
    }
    proc = subprocess.Popen(
        [sys.executable, "app.py", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                health = json.loads(r.read())
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read().decode())
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("app.py serve did not come up")
    _SERVE_PIDS[base] = proc.pid
    yield base, fake, health
    proc.terminate()
    proc.wait(10)
    fake.close()
    loop.stop()


def test_serve_answers_slash_commands_and_checks_the_supervisor_channel(served):
    base, fake, health = served
    assert "slack" in health["surfaces"] and health["status"] == "ok"
    status, _, seconds = post(
        base + "/slack/events",
        command_body("can I text a student?", response_url=fake.response_url()),
        content_type=FORM,
    )
    assert status == 200 and seconds < 3
    [answer] = fake.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert fake.wait_for("conversations.info")[0].params["channel"] == SUPERVISOR_CHANNEL
    status, _, _ = post(
        base + "/slack/events", command_body("help"), content_type=FORM, signed=False
    )
    assert status == 401


# ---- the answer worker process (python app.py serve runs the after-ack work in it) -----------


class ServedProcess:
    """`python app.py serve` shaped like tests.slack_support.Served, for the report helpers."""

    def __init__(self, base: str, fake) -> None:
        self.url = base + "/slack/events"
        self.fake = fake

    def event(self, event: dict, *, event_id: str = "Ev1", headers: dict | None = None):
        return post(
            self.url, event_body(event, event_id=event_id), content_type=JSON, headers=headers
        )

    def action(self, action_id: str, value: str, **kw):
        kw.setdefault("response_url", self.fake.response_url("a1"))
        return post(self.url, action_body(action_id, value, **kw), content_type=FORM)

    def idle(self, quiet: float = 0.5, timeout: float = 15.0) -> None:
        """The worker is another process: wait until the fake Slack has heard nothing new."""
        deadline = time.monotonic() + timeout
        seen, since = len(self.fake.calls), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if len(self.fake.calls) != seen:
                seen, since = len(self.fake.calls), time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
        pytest.fail("the answer worker never went quiet")


def _worker_pids(parent: int) -> set[int]:
    """Child processes of `parent` (the multiprocessing resource tracker is not one of ours)."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"resource_tracker" not in cmdline:
            pids.add(int(stat.parent.name))
    return pids


def test_serve_answers_from_a_worker_process_and_replaces_it_when_it_dies(served):
    base, fake, _ = served
    status, _, _ = post(
        base + "/slack/events",
        command_body("can I text a student?", response_url=fake.response_url("q1")),
        content_type=FORM,
    )
    assert status == 200 and fake.wait_for("response_url")
    serve_pid = _serve_pid(base)
    [worker] = _worker_pids(serve_pid)
    os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _worker_pids(serve_pid) in (set(), {worker}):
        time.sleep(0.1)
    assert _worker_pids(serve_pid) and worker not in _worker_pids(serve_pid)
    post(
        base + "/slack/events",
        command_body("is gmail ok for parents?", response_url=fake.response_url("q2")),
        content_type=FORM,
    )
    assert len(fake.wait_for("response_url", count=2, timeout=30)) == 2


def test_acks_never_wait_for_a_stalled_answer_worker_and_nothing_is_lost(served):
    base, fake, _ = served
    post(
        base + "/slack/events",
        command_body("can I text a student?", response_url=fake.response_url("warm")),
        content_type=FORM,
    )
    assert fake.wait_for("response_url")
    [worker] = _worker_pids(_serve_pid(base))
    os.kill(worker, signal.SIGSTOP)  # the worker reads nothing: the pipe to it fills up
    padding = " about the field trip on friday" * 10  # ~1 KB a Task: far more than a pipe holds
    try:
        for n in range(300):
            status, _, _ = post(
                base + "/slack/events",
                command_body(
                    f"can I text student {n}{padding}",
                    user=f"U{n % 7}",
                    response_url=fake.response_url(f"s{n}"),
                ),
                content_type=FORM,
                timeout=5,
            )
            assert status == 200
    finally:
        os.kill(worker, signal.SIGCONT)
    assert len(fake.wait_for("response_url", count=301, timeout=60)) == 301


def test_serve_files_a_report_through_the_worker_and_delivers_it_once(served):
    from tests.test_slack_reports import _fill_in_dm

    base, fake, _ = served
    _fill_in_dm(ServedProcess(base, fake))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not fake.history.get(SUPERVISOR_CHANNEL):
        time.sleep(0.1)
    [card] = fake.history[SUPERVISOR_CHANNEL]
    assert "EDC-" in json.dumps(card)
    time.sleep(1.0)  # time for a wrong second delivery to show up
    assert len(fake.history[SUPERVISOR_CHANNEL]) == 1
