"""`python app.py serve` as a district would run it: the wiring in app.py, one HTTP port for
/slack/events and /healthz, signature checks on, answers reaching the (fake) Slack."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
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
from tests.waiting import wait_for, wait_for_health

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
    health = wait_for_health(base, proc, output=lambda: proc.stdout.read().decode())
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


# ---- the work after the ack, in the serving process --------------------------------------------


def _health(base: str) -> dict:
    with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
        return json.loads(r.read())


class ServedProcess:
    """`python app.py serve` shaped like tests.slack_support.Served, for the report helpers."""

    def __init__(self, base: str, fake) -> None:
        self.base = base
        self.url = base + "/slack/events"
        self.fake = fake

    def event(self, event: dict, *, event_id: str = "Ev1", headers: dict | None = None):
        return post(
            self.url, event_body(event, event_id=event_id), content_type=JSON, headers=headers
        )

    def action(self, action_id: str, value: str, **kw):
        kw.setdefault("response_url", self.fake.response_url("a1"))
        return post(self.url, action_body(action_id, value, **kw), content_type=FORM)

    def idle(self) -> None:
        """Every request acked so far has been worked off (its Task is queued before the ack)."""
        wait_for(lambda: _health(self.base)["slack_backlog"] == 0, what="the Slack backlog")


def _children(parent: int) -> set[int]:
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            pids.add(int(stat.parent.name))
    return pids


def test_serve_answers_in_its_own_process_and_says_when_it_is_ready(served):
    base, fake, health = served
    assert health["ready"] is True and health["slack_backlog"] == 0
    status, _, _ = post(
        base + "/slack/events",
        command_body("can I text a student?", response_url=fake.response_url("q1")),
        content_type=FORM,
    )
    assert status == 200 and fake.wait_for("response_url", timeout=30)
    if Path("/proc").is_dir():  # no second process to lose work in
        assert _children(_serve_pid(base)) == set()


def test_acks_come_while_answers_are_worked_off_and_nothing_is_lost(served):
    base, fake, _ = served
    padding = " about the field trip on friday" * 10
    for n in range(150):
        status, _, _ = post(
            base + "/slack/events",
            command_body(
                f"can I text student {n}{padding}",
                user=f"U{n % 7}",
                response_url=fake.response_url(f"s{n}"),
            ),
            content_type=FORM,
            timeout=30,
        )
        assert status == 200
    answers = fake.wait_for("response_url", count=150, timeout=60)
    assert sorted(a.params["_ref"] for a in answers) == sorted(f"s{n}" for n in range(150))


def test_serve_files_a_report_and_delivers_it_once(served, tmp_path):
    from tests.test_slack_reports import _fill_in_dm

    base, fake, _ = served
    _fill_in_dm(ServedProcess(base, fake))
    wait_for(lambda: fake.history.get(SUPERVISOR_CHANNEL), what="the supervisor card")
    [card] = fake.history[SUPERVISOR_CHANNEL]
    assert "EDC-" in json.dumps(card)

    def outbox() -> list[tuple[str, int]]:
        with sqlite3.connect(tmp_path / "edc.sqlite3") as db:
            return db.execute(
                "select state, attempts from outbox where purpose = 'post'"
            ).fetchall()

    # Delivered, and nothing left in the outbox that could post it a second time.
    wait_for(lambda: outbox() == [("sent", 1)], what="the outbox to settle")
    assert len(fake.history[SUPERVISOR_CHANNEL]) == 1
