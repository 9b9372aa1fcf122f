"""Privacy is decided by the core (`Reply.private`), and Slack honours it: every kind of reply
asked for from a channel — by `/edc` or by `@EDC` — reaches the asker alone (ephemeral, or
their DM), and nothing private is posted where others can read it. The real app over HTTP, a
fake Slack on loopback."""

from __future__ import annotations

import itertools
import json

import pytest

from bot import strings as core_strings
from bot.forms import strings as form_strings
from tests.slack_support import (
    BOT_USER,
    JSON,
    SUPERVISOR_CHANNEL,
    event_body,
    post,
    serve_app,
    stop_app,
)

CHANNEL = "C1"
_serial = itertools.count(1)


@pytest.fixture
def slack(index, tmp_path):
    served = serve_app(index, database=tmp_path / "edc.sqlite3", EDC_DELIVERY_MODE="summary")
    yield served
    stop_app(served)


def _ask(slack, text: str, via: str) -> None:
    if via == "command":
        status, _, _ = slack.command(text, channel=CHANNEL)
    else:
        n = next(_serial)
        ts = f"1700002{n:03d}.000100"
        event = {
            "type": "app_mention",
            "user": "U1",
            "text": f"<@{BOT_USER}> {text}",
            "channel": CHANNEL,
            "channel_type": "channel",
            "ts": ts,
            "event_ts": ts,
        }
        status, _, _ = post(slack.url, event_body(event, event_id=f"EvP{n}"), content_type=JSON)
    assert status == 200
    slack.idle()


def _deliveries(fake) -> tuple[list[str], list[str]]:
    """(public, private) messages the fake Slack received, as JSON text."""
    public, private = [], []
    for call in fake.calls:
        text = json.dumps(call.params, ensure_ascii=False)
        if call.method == "response_url":
            (private if call.params.get("response_type") == "ephemeral" else public).append(text)
        elif call.method == "chat.postEphemeral":
            private.append(text)
        elif call.method in ("chat.postMessage", "chat.update"):
            in_dm = str(call.params.get("channel", "")).startswith("D")
            (private if in_dm else public).append(text)
    return public, private


def _supervisor_posts(fake, calls=None) -> list[str]:
    return [
        json.dumps(c.params, ensure_ascii=False)
        for c in (fake.of("chat.postMessage") if calls is None else calls)
        if c.method == "chat.postMessage" and c.params.get("channel") == SUPERVISOR_CHANNEL
    ]


# kind → (what the user types, one message after another; what only the private reply holds)
TYPED = {
    "answer": (["can I text a student?"], "edc:feedback.up"),
    "decline": (["what is for lunch in the cafeteria today"], core_strings.DECLINE[:30]),
    "why": (["can I text a student?", "why"], "For “can I text a student?” I matched"),
    "drafts": (["report", "drafts"], form_strings.DRAFTS_HEADING),
    "dialog turn": (["report"], '"block_id": "prompt:'),
    "help": (["help"], "/edc report"),
    "policy text": (["3.5"], "3.5"),
}


@pytest.mark.parametrize("via", ["command", "mention"])
@pytest.mark.parametrize("kind", sorted(TYPED))
def test_typed_replies_from_a_channel_reach_the_asker_alone(slack, kind, via):
    texts, secret = TYPED[kind]
    for text in texts:
        _ask(slack, text, via)
    public, private = _deliveries(slack.fake)
    assert public == []
    assert any(secret in message for message in private), f"{kind} not delivered privately"


@pytest.mark.parametrize("via", ["command", "mention"])
def test_an_error_from_a_channel_reaches_the_asker_alone(slack, via, monkeypatch):
    def broken(question):
        raise RuntimeError("the index is broken")

    monkeypatch.setattr(slack.bot.index, "search", broken)
    _ask(slack, "can I text a student?", via)
    public, private = _deliveries(slack.fake)
    assert public == []
    assert any("incident" in m and "broken" not in m for m in private)


def test_report_contents_viewed_in_the_supervisor_channel_reach_the_viewer_alone(slack):
    from tests.test_slack_reports import CONTENT, _fill_in_dm

    _fill_in_dm(slack)
    secret = CONTENT.split("<")[0][:40]  # the report's own words (Slack escapes the rest)
    assert slack.fake.wait_until(lambda calls: _supervisor_posts(slack.fake, calls))
    [card] = _supervisor_posts(slack.fake)  # summary mode: number, reporter, a View button
    assert secret not in card
    view = next(
        e
        for b in json.loads(card)["blocks"]
        for e in b.get("elements", []) + ([b["accessory"]] if "accessory" in b else [])
        if e.get("type") == "button" and "report.view" in e.get("action_id", "")
    )
    slack.action(
        view["action_id"],
        view["value"],
        user="USUPER",
        channel=SUPERVISOR_CHANNEL,
        response_url=slack.fake.response_url("view"),
    )
    slack.idle()
    public, private = _deliveries(slack.fake)
    assert all(secret not in message for message in public)
    assert [m for m in private if secret in m and '"_ref": "view"' in m]


def test_a_shared_answer_is_the_one_reply_posted_in_the_channel(slack):
    """The check above can fail: what the user chooses to share is public."""
    _ask(slack, "can I text a student?", "command")
    [answer] = slack.fake.of("response_url")
    share = next(
        e
        for b in answer.params["blocks"]
        for e in b.get("elements", [])
        if "answer.share" in e.get("action_id", "")
    )
    slack.action(share["action_id"], share["value"], channel=CHANNEL)
    slack.idle()
    public, _ = _deliveries(slack.fake)
    assert len(public) == 1 and "edc:feedback.up" not in public[0]
