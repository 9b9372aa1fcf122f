"""Slack Q&A end to end: the real Bolt app over real HTTP, a fake Slack Web API on loopback."""

from __future__ import annotations

import json
import time

import pytest

from bot import strings as core_strings
from handlers.slack import strings
from tests.slack_support import FORM, command_body, dm_event, post, serve_app, stop_app


@pytest.fixture
def slack(index):
    served = serve_app(index)
    yield served
    stop_app(served)


def _texts(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_slash_command_acks_fast_and_answers_ephemerally(slack):
    status, body, seconds = slack.command("can I text a student?")
    assert status == 200 and body == ""  # an empty ack: Slack shows nothing until the answer
    assert seconds < 3.0
    [answer] = slack.fake.wait_for("response_url")
    p = answer.params
    assert p["response_type"] == "ephemeral" and p["replace_original"] is False
    kinds = [b["type"] for b in p["blocks"]]
    assert "actions" in kinds and "section" in kinds
    rendered = _texts(p["blocks"])
    assert "can I text a student?" in rendered  # the question is shown back above the answer
    quote = next(b for b in p["blocks"] if b["type"] == "section" and "\n>" in b["text"]["text"])
    assert quote["text"]["verbatim"] is True
    action_ids = [
        e["action_id"] for b in p["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert any(a.startswith("edc:feedback.up:") for a in action_ids)
    assert any(a.startswith("edc:answer.share:") for a in action_ids)
    assert len(set(action_ids)) == len(action_ids)  # unique per message, as Slack requires


def test_slash_help_policy_and_clause(slack):
    slack.command("help", response_url=slack.fake.response_url("h"))
    slack.command("3.5", response_url=slack.fake.response_url("c"))
    calls = {c.params["_ref"]: c.params for c in slack.fake.wait_for("response_url", 2)}
    assert "/edc policy" in calls["h"]["text"]
    assert "3.5" in _texts(calls["c"]["blocks"])


def test_dm_question_is_answered_in_the_dm(slack):
    status, _, _ = slack.event(dm_event("can I friend a parent on facebook?"))
    assert status == 200
    [posted] = slack.fake.wait_for("chat.postMessage")
    assert posted.params["channel"] == "D1"
    assert posted.params["unfurl_links"] is False
    assert any(b["type"] == "section" for b in posted.params["blocks"])


def test_mention_answer_is_ephemeral_in_the_thread_and_strips_the_bot(slack):
    event = {
        "type": "app_mention",
        "channel": "C9",
        "user": "U2",
        "ts": "1700000002.000002",
        "thread_ts": "1700000000.000001",
        "text": "<@UBOT> can I text a student?",
    }
    slack.event(event, event_id="EvMention")
    [eph] = slack.fake.wait_for("chat.postEphemeral")
    assert eph.params["user"] == "U2" and eph.params["channel"] == "C9"
    assert eph.params["thread_ts"] == "1700000000.000001"
    assert not slack.fake.of("chat.postMessage")  # nothing public: only the asker sees it


def test_bad_signature_and_stale_timestamp_are_refused(slack):
    body = command_body("can I text a student?")
    forged = {
        "X-Slack-Signature": "v0=" + "0" * 64,
        "X-Slack-Request-Timestamp": str(int(time.time())),
    }
    status, _, _ = post(slack.url, body, content_type=FORM, signed=False, headers=forged)
    assert status == 401
    from tests.slack_support import sign

    stale = sign(body, timestamp=int(time.time()) - 10 * 60)
    status, _, _ = post(slack.url, body, content_type=FORM, signed=False, headers=stale)
    assert status == 401
    status, _, _ = post(slack.url, body, content_type=FORM, signed=False)
    assert status == 401
    slack.idle()  # nothing was queued: the forged requests never reached a listener
    assert not slack.fake.of("response_url")


def test_retried_event_is_processed_once(slack):
    event = dm_event("can I text a student?", ts="1700000003.000003")
    assert slack.event(event, event_id="EvRetry")[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert slack.event(event, event_id="EvRetry", headers=retry)[0] == 200
    slack.idle()  # both requests were acked: whatever they queued has run
    assert len(slack.fake.of("chat.postMessage")) == 1


def test_double_click_is_processed_once(slack):
    for action_ts in ("1700000009.1", "1700000009.4"):  # two presses, two payloads
        status, _, _ = slack.action("edc:clause.show:3.0", "3.5", action_ts=action_ts)
        assert status == 200
    slack.idle()
    assert len(slack.fake.of("response_url")) == 1


def test_feedback_down_asks_and_stores_the_comment(slack):
    slack.event(dm_event("can I text a student?", ts="1700000004.1"), event_id="EvQ")
    [answer] = slack.fake.wait_for("chat.postMessage")
    down = next(
        e
        for b in answer.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("edc:feedback.down")
    )
    slack.action(down["action_id"], down["value"], channel="D1")
    asked = slack.fake.wait_for("chat.postMessage", 2)[-1]
    assert core_strings.FEEDBACK_ASK.split(" ")[0] in asked.params["text"]
    slack.event(dm_event("the rule about group chats", ts="1700000004.2"), event_id="EvC")
    slack.fake.wait_for("chat.postMessage", 3)
    slack.idle()
    assert [e[2:] for e in slack.bot.qa_log.feedback_entries] == [
        ("down", ""),
        ("comment", "the rule about group chats"),
    ]


def test_share_in_channel_posts_publicly_and_names_the_sharer(slack):
    slack.command("can I text a student?")
    [answer] = slack.fake.wait_for("response_url")
    share = next(
        e
        for b in answer.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("edc:answer.share")
    )
    slack.action(share["action_id"], share["value"])
    shared = slack.fake.wait_for("response_url", 2)[-1]
    assert shared.params["response_type"] == "in_channel"
    assert strings.SHARED_BY.format(user="<@U1>") in _texts(shared.params["blocks"])


@pytest.mark.parametrize(
    "nasty",
    [
        "<!channel> can I text a student?",
        "<!here|here> text a student",
        "<@U999> can I text a student <https://evil.example|policy.pdf>",
    ],
)
def test_user_text_can_never_ping_or_hide_a_link(slack, nasty):
    slack.command(nasty)
    [answer] = slack.fake.wait_for("response_url")
    everything = answer.params["text"] + _texts(answer.params["blocks"])
    for raw in ("<!channel>", "<!here", "<@U999>", "<https://evil", "|policy.pdf>"):
        assert raw not in everything
    for block in answer.params["blocks"]:
        for obj in [block.get("text")] + block.get("elements", []):
            if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
                assert obj["verbatim"] is True
