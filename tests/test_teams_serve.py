"""`python app.py serve` with Teams as a district runs it: app.py's wiring gives Teams the report
dialog, the records and the supervisor channel from .env; a report filed in personal chat is
posted to that channel once, by the real process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.teams_fake_connector import FakeConnector
from tests.teams_support import (
    SUPERVISOR_CHANNEL,
    TENANT,
    action,
    personal,
    post_activity,
    texts,
)
from tests.test_slack_serve import _free_port
from tests.test_teams_report import fill_in_report, supervisor_posts
from tests.waiting import wait_for_health


class Served:
    """The subprocess and the fake connector, shaped like tests.teams_support.Harness."""

    def __init__(self, tmp_path) -> None:
        self.connector = FakeConnector().start()
        port = _free_port()
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PORT": str(port),
            "DATABASE_PATH": str(tmp_path / "edc.sqlite3"),
            "TEAMS_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
            "TEAMS_TENANT_ID": TENANT,
            "TEAMS_SERVICE_URL": self.connector.url,
            "TEAMS_LOCAL_MODE": "1",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "app.py", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{port}"
        self.health = self._wait_healthy()

    @property
    def service_url(self) -> str:
        return self.connector.url

    def post(self, activity, **kwargs):
        return post_activity(self.base + "/api/messages", activity, **kwargs)

    def _wait_healthy(self) -> dict:
        return wait_for_health(
            self.base, self.proc, output=lambda: self.proc.stdout.read().decode()
        )

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.connector.stop()


@pytest.fixture
def served(tmp_path):
    served = Served(tmp_path)
    yield served
    served.close()


def test_serve_files_a_teams_report_to_the_configured_supervisor_channel(served):
    assert "teams" in served.health["surfaces"]
    status, _ = served.post(personal(served.service_url, "can I text a student?"))
    assert status in (200, 201)
    answer = served.connector.wait_for(lambda calls: served.connector.sent("a:personal-29:user-1"))
    assert "3.5" in texts(answer[-1])

    served.connector.clear()
    served.post(personal(served.service_url, "report"))
    fill_in_report(served)
    review = served.connector.sent("a:personal-29:user-1")[-1]
    served.post(personal(served.service_url, value=action(review, "dialog.submit")))
    calls = served.connector.wait_for(lambda calls: supervisor_posts(calls), timeout=60)
    assert len(supervisor_posts(calls)) == 1
    assert "EDC-" in texts(supervisor_posts(calls)[0])
