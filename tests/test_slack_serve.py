"""`python app.py serve` as a district would run it: the wiring in app.py, one HTTP port for
/slack/events and /healthz, signature checks on, answers reaching the (fake) Slack."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.slack_support import (
    BOT_TOKEN,
    FORM,
    SIGNING_SECRET,
    SUPERVISOR_CHANNEL,
    FakeSlack,
    LoopThread,
    command_body,
    post,
)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    loop = LoopThread()
    fake = FakeSlack(loop)
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PORT": str(port),
           "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake.api_url, "SLACK_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
           "DATABASE_PATH": str(tmp_path / "edc.sqlite3")}  # fmt: skip
    proc = subprocess.Popen([sys.executable, "app.py", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
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
    yield base, fake, health
    proc.terminate()
    proc.wait(10)
    fake.close()
    loop.stop()


def test_serve_answers_slash_commands_and_checks_the_supervisor_channel(served):
    base, fake, health = served
    assert "slack" in health["surfaces"] and health["status"] == "ok"
    status, _, seconds = post(base + "/slack/events",
                              command_body("can I text a student?", response_url=fake.response_url()),
                              content_type=FORM)  # fmt: skip
    assert status == 200 and seconds < 3
    [answer] = fake.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert fake.wait_for("conversations.info")[0].params["channel"] == SUPERVISOR_CHANNEL
    status, _, _ = post(base + "/slack/events", command_body("help"), content_type=FORM, signed=False)
    assert status == 401
