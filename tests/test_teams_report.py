"""A report on Teams, end to end: started in a channel, continued in personal chat through
Adaptive Card inputs, reviewed, submitted; posted proactively to the supervisor channel;
acknowledged there (card updated in place, reporter told); connector 500 / 429 on the way."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.teams_support import (
    SUPERVISOR_CHANNEL,
    Harness,
    action,
    actions,
    find,
    in_channel,
    personal,
    texts,
)

PERSONAL = "a:personal-29:user-1"
HOSTILE = "Called <at>Principal</at> and see https://evil.example or [click](https://x.example)"
ANSWERS = {
    "party_name": "The student's mother",
    "supervisor": "Principal Ames",
    "duration": "10 minutes",
    "need": "The student had a severe allergic reaction on the field trip and the nurse was away.",
    "content": HOSTILE + " — we discussed the student's medication, the allergy plan, the "
    "hospital the ambulance was going to, and who would meet them there.",
    "follow_up": "Nurse informed the next morning.",
}


@pytest.fixture
def teams(index, tmp_path):
    env = {"EDC_ADMINS": "aad-user-7", "EDC_DELIVERY_RETRY_SECONDS": "0.2"}
    harness = Harness(index=index, tmp_path=tmp_path, env=env, records=True)
    harness.post(
        in_channel(harness.service_url, "set supervisor channel", who=7, channel=SUPERVISOR_CHANNEL)
    )
    harness.connector.clear()
    yield harness
    harness.close()


def fill_in_report(teams) -> None:
    """Answer every question through the card's own inputs until the review card shows."""
    for _ in range(30):
        card = teams.connector.sent(PERSONAL)[-1]
        if any(a["data"].get("action") == "dialog.submit" for a in actions(card)):
            return
        submit = next(a["data"] for a in actions(card) if a["data"].get("prompt"))
        field = submit["prompt"]
        data = dict(submit)
        choice = find(card.cards, lambda d: d.get("type") == "Input.ChoiceSet")
        if choice:
            values = [c["value"] for c in choice[0]["choices"]]
            data[field] = "yes" if "yes" in values else values[0]
        elif find(card.cards, lambda d: d.get("type") == "Input.Date"):
            when = datetime.now(ZoneInfo("America/New_York")) - timedelta(hours=1)
            data[field + "__date"] = when.strftime("%Y-%m-%d")
            data[field + "__time"] = when.strftime("%H:%M")
        else:
            data[field] = ANSWERS.get(field, "A short answer of several words for this question.")
        teams.post(personal(teams.service_url, value=data))
    pytest.fail("the dialog never reached the review card")


def start_in_channel_and_fill(teams):
    teams.post(in_channel(teams.service_url, "report"))
    fill_in_report(teams)
    return teams.connector.sent(PERSONAL)[-1]


def supervisor_posts(calls):
    return [
        c
        for c in calls
        if c.method == "POST"
        and c.conversation_id == SUPERVISOR_CHANNEL
        and "report.ack" in c.card_json
    ]


def settled(teams, timeout: float = 30.0) -> None:
    """Wait until the outbox holds one sent post and nothing that could post again."""
    deadline = time.monotonic() + timeout
    while True:
        rows = teams.wired.records.storage.rows("select purpose, state from outbox")
        states = [(r["purpose"], r["state"]) for r in rows]
        if states == [("post", "sent")]:
            return
        assert time.monotonic() < deadline, f"the outbox never settled: {states}"
        time.sleep(0.05)


def test_full_report_from_a_channel_to_acknowledgement(teams):
    review = start_in_channel_and_fill(teams)
    # Started in a channel: the dialog moved to a personal chat, and the channel was told.
    [created] = teams.connector.created()
    assert created.body["members"] == [{"id": "29:user-1"}]
    channel_note = teams.connector.sent(f"{in_channel('', '')['conversation']['id']}")
    assert channel_note and "private message" in texts(channel_note[0])
    # The review card: every answer as plain text, edit actions, Submit and Cancel.
    names = [a["data"]["action"] for a in actions(review)]
    assert "dialog.submit" in names and "dialog.cancel" in names
    assert names.count("dialog.edit") >= 5
    assert "Principal Ames" in texts(review)

    teams.post(personal(teams.service_url, value=action(review, "dialog.submit")))
    calls = teams.connector.wait_for(lambda calls: supervisor_posts(calls))
    [post] = supervisor_posts(calls)
    assert post.activity_id == ""  # a new thread in the supervisor channel, posted proactively
    body = texts(post)
    assert "Principal Ames" in body and "<at>Principal</at>" in body  # typed text, shown as text
    assert "https://" not in body and "https\u200b://evil.\u200bexample" in body  # no auto-link
    blocks = find(post.cards, lambda d: d.get("type") == "TextBlock")  # markdown-rendered text
    assert not any("evil" in b.get("text", "") for b in blocks)
    ack = action(post, "report.ack")

    # The supervisor acknowledges on the card, in the channel thread of the post.
    teams.post(
        in_channel(
            teams.service_url,
            "",
            who=7,
            channel=SUPERVISOR_CHANNEL,
            value=ack,
            thread=post.body.get("id") or "act",
        )
    )
    calls = teams.connector.wait_for(
        lambda calls: (
            any(c.method == "PUT" for c in calls)
            and len(teams.connector.sent(PERSONAL)) > 0
            and any("acknowledged" in texts(c).lower() for c in teams.connector.sent(PERSONAL)[-2:])
        )
    )
    [update] = teams.connector.updates()
    posted_id = _posted_id(teams, post)
    assert update.conversation_id == SUPERVISOR_CHANNEL and update.activity_id == posted_id
    assert "report.ack" not in update.card_json  # no second Acknowledge on the updated card
    notice = teams.connector.sent(PERSONAL)[-1]
    assert "acknowledged" in texts(notice).lower()
    assert len(supervisor_posts(teams.connector.calls)) == 1


def test_connector_500_and_429_during_delivery_then_delivered_once(teams):
    review = start_in_channel_and_fill(teams)
    teams.connector.fail_next(500, conversation=SUPERVISOR_CHANNEL)
    teams.connector.fail_next(429, headers={"Retry-After": "1"}, conversation=SUPERVISOR_CHANNEL)
    teams.post(personal(teams.service_url, value=action(review, "dialog.submit")))
    teams.connector.wait_for(lambda calls: supervisor_posts(calls))
    assert len(teams.connector.rejected) == 2  # both failures were really hit
    assert [c.conversation_id for c in teams.connector.rejected] == [SUPERVISOR_CHANNEL] * 2
    settled(teams)
    assert len(supervisor_posts(teams.connector.calls)) == 1


def test_a_repeated_submit_files_one_report(teams):
    review = start_in_channel_and_fill(teams)
    submit = personal(teams.service_url, value=action(review, "dialog.submit"))
    teams.post(submit)
    teams.post(submit)  # the same activity redelivered
    again = personal(teams.service_url, value=action(review, "dialog.submit"))
    teams.post(again)  # a double-click: a new activity, same button
    teams.connector.wait_for(lambda calls: supervisor_posts(calls))
    settled(teams)
    assert len(supervisor_posts(teams.connector.calls)) == 1


def test_report_typed_in_personal_chat_stays_there_and_typing_works(teams):
    teams.post(personal(teams.service_url, "report"))
    assert teams.connector.created() == []  # already private: no new chat, no channel note
    first = teams.connector.sent(PERSONAL)[-1]
    assert find(first.cards, lambda d: d.get("type", "").startswith("Input."))
    teams.post(personal(teams.service_url, "yes"))  # typed instead of using the card
    assert len(teams.connector.sent(PERSONAL)) == 2
    assert texts(teams.connector.sent(PERSONAL)[-1]) != texts(first)


def test_datetime_prompt_offers_date_and_time_inputs(teams):
    teams.post(personal(teams.service_url, "report"))
    for _ in range(3):
        teams.post(personal(teams.service_url, "yes"))
    card = teams.connector.sent(PERSONAL)[-1]
    assert find(card.cards, lambda d: d.get("type") == "Input.Date")
    assert find(card.cards, lambda d: d.get("type") == "Input.Time")


def _posted_id(teams, post) -> str:
    """The activity ID the connector gave the supervisor post (its response to that POST)."""
    [row] = teams.wired.records.storage.rows("SELECT posted FROM teams_posts")
    ref = row["posted"]
    return json.loads(ref)["activity_id"]
