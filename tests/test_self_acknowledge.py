"""A reporter cannot acknowledge their own report — on Slack and on Teams, through the real
adapters (the rule itself is in the core: bot/reports/supervision.py). The console is covered in
tests/test_report_console_e2e.py and tests/test_dialog_replies.py."""

from __future__ import annotations

import pytest

from bot.forms import strings
from tests.slack_support import SUPERVISOR_CHANNEL as SLACK_SUPERVISORS
from tests.slack_support import serve_app, stop_app
from tests.teams_support import SUPERVISOR_CHANNEL as TEAMS_SUPERVISORS
from tests.teams_support import action, in_channel, personal, texts
from tests.test_slack_reports import _buttons, _click, _fill_in_dm, _supervisor_posts
from tests.test_teams_report import (
    start_in_channel_and_fill,
    supervisor_posts,
    teams,  # noqa: F401 — the Teams fixture
)
from tests.waiting import wait_until


@pytest.fixture
def slack(index, tmp_path):
    served = serve_app(index, database=tmp_path / "edc.sqlite3")
    yield served
    stop_app(served)


def test_slack_reporter_in_the_supervisor_channel_cannot_acknowledge_their_report(slack):
    slack.fake.members[SLACK_SUPERVISORS].append("U1")  # the reporter is also a supervisor
    _fill_in_dm(slack)
    assert wait_until(lambda: _supervisor_posts(slack.fake))
    card = _supervisor_posts(slack.fake)[-1]
    ack = next(
        e for _, e in _buttons(card.params["blocks"]) if e["action_id"].startswith("edc:report.ack")
    )
    posted_ts = slack.fake.history[SLACK_SUPERVISORS][0]["ts"]
    [report] = slack.core.records.reports.find()
    _click(slack, ack, user="U1", channel=SLACK_SUPERVISORS, message_ts=posted_ts)
    refused = strings.ACK_OWN.format(number=report.number)
    assert wait_until(
        lambda: any(refused in str(c.params) for c in slack.fake.calls if c.method != "auth.test")
    )
    assert slack.core.records.reports.get(report.number).acknowledgement is None
    assert not slack.fake.of("chat.update")
    _click(slack, ack, user="USUPER", channel=SLACK_SUPERVISORS, message_ts=posted_ts)
    assert wait_until(lambda: slack.fake.of("chat.update"))
    acked = slack.core.records.reports.get(report.number).acknowledgement
    assert acked is not None and acked.by_key == "slack:USUPER"


def test_teams_reporter_cannot_acknowledge_their_report(teams):  # noqa: F811
    review = start_in_channel_and_fill(teams)
    teams.post(personal(teams.service_url, value=action(review, "dialog.submit")))
    calls = teams.connector.wait_for(lambda calls: supervisor_posts(calls))
    [post] = supervisor_posts(calls)
    [report] = teams.wired.records.reports.find()
    refused = strings.ACK_OWN.format(number=report.number)
    teams.post(
        in_channel(
            teams.service_url,
            "",
            who=1,  # the reporter, clicking Acknowledge in the supervisor channel
            channel=TEAMS_SUPERVISORS,
            value=action(post, "report.ack"),
            thread=post.body.get("id") or "act",
        )
    )
    teams.connector.wait_for(lambda calls: any(refused in texts(c) for c in calls))
    assert teams.wired.records.reports.get(report.number).acknowledgement is None
    assert not teams.connector.updates()
