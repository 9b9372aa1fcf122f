"""The report on Slack end to end: the dialog in the DM (buttons, date and time pickers, typing),
delivery to the supervisor channel through failures, Acknowledge (members only), and the modal
with an inline validation error. The real app over HTTP; a fake Slack on loopback."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.forms import strings as form_strings
from bot.forms.spec import load_form
from tests.slack_support import (
    FORM,
    SUPERVISOR_CHANNEL,
    dm_event,
    post,
    serve_app,
    stop_app,
    view_submission,
)
from tests.waiting import wait_until

NEED = "<!channel> The student was in crisis after school and no landline or staff member could reach the parent"
CONTENT = (
    "We talked about the student's safety plan, where the student would be picked up, and "
    "which counsellor would call the family tonight <@U999> <https://evil.example|see policy>"
)
TYPED = {
    "party_name": "J.D.",
    "duration": "5 minutes",
    "need": NEED,
    "content": CONTENT,
    "follow_up": "skip",
    "supervisor": "Principal Smith",
}


@pytest.fixture
def slack(index, tmp_path):
    served = serve_app(index, database=tmp_path / "edc.sqlite3")
    yield served
    stop_app(served)


def _last_dm(fake, user_channel="D1"):
    return [c for c in fake.of("chat.postMessage") if c.params["channel"] == user_channel][-1]


def _buttons(blocks):
    for block in blocks:
        for element in block.get("elements", []) + (
            [block["accessory"]] if "accessory" in block else []
        ):
            if element.get("type") == "button":
                yield block, element


def _field(blocks) -> str:
    return next(
        (
            b["block_id"].removeprefix("prompt:")
            for b in blocks
            if b.get("block_id", "").startswith("prompt:")
        ),
        "",
    )


def _click(slack, element, *, user="U1", channel="D1", message_ts="", state=None, block_id="b"):
    slack.action(
        element["action_id"],
        element["value"],
        user=user,
        channel=channel,
        message_ts=message_ts,
        action_ts=str(time.time()),
        state=state,
        block_id=block_id,
    )


def _fill_in_dm(slack) -> None:
    slack.event(dm_event("report", ts="1700001000.1"), event_id="EvStart")
    for step in range(30):
        slack.idle()
        message = _last_dm(slack.fake)
        blocks, ts = message.params["blocks"], f"m{len(slack.fake.calls)}"
        field = _field(blocks)
        if not field:  # the review: one Edit beside each field, then Submit
            edits = [e for b, e in _buttons(blocks) if e["action_id"].startswith("edc:dialog.edit")]
            assert len(edits) >= 8 and all(
                "accessory" in b
                for b, e in _buttons(blocks)
                if e["action_id"].startswith("edc:dialog.edit")
            )
            submit = next(
                e for _, e in _buttons(blocks) if e["action_id"].startswith("edc:dialog.submit")
            )
            _click(slack, submit, message_ts=ts)
            _click(slack, submit, message_ts=ts)  # a nervous double click
            slack.idle()
            return
        if field in TYPED:
            slack.event(dm_event(TYPED[field], ts=f"1700001{step:03d}.2"), event_id=f"Ev{step}")
            continue
        picker = next((b for b in blocks if b.get("block_id", "").startswith("when:")), None)
        if picker:
            when = datetime.now(ZoneInfo("America/New_York")) - timedelta(hours=1)
            state = {
                picker["block_id"]: {
                    "d": {"type": "datepicker", "selected_date": when.strftime("%Y-%m-%d")},
                    "t": {"type": "timepicker", "selected_time": when.strftime("%H:%M")},
                }
            }
            use = next(e for e in picker["elements"] if e["type"] == "button")
            _click(slack, use, message_ts=ts, state=state, block_id=picker["block_id"])
            continue
        first = next(
            e for _, e in _buttons(blocks) if e["action_id"].startswith("edc:dialog.answer")
        )
        _click(slack, first, message_ts=ts)
    pytest.fail("the dialog did not reach the review")


def _supervisor_posts(fake):
    return [c for c in fake.of("chat.postMessage") if c.params["channel"] == SUPERVISOR_CHANNEL]


def _outbox(slack, purpose: str) -> list[str]:
    rows = slack.core.records.storage.rows("select state from outbox where purpose = ?", [purpose])
    return [row["state"] for row in rows]


def test_full_report_in_dm_reaches_the_channel_once_through_500_and_429(slack):
    slack.fake.fail("chat.postMessage", 500, channel=SUPERVISOR_CHANNEL)
    slack.fake.fail("chat.postMessage", 429, retry_after=1, channel=SUPERVISOR_CHANNEL)
    _fill_in_dm(slack)
    assert wait_until(lambda: len(slack.fake.history.get(SUPERVISOR_CHANNEL, [])) == 1)
    # Delivered, and nothing left in the outbox that could post it a second time.
    assert wait_until(lambda: _outbox(slack, "post") == ["sent"])
    assert len(slack.fake.history[SUPERVISOR_CHANNEL]) == 1
    assert len(_supervisor_posts(slack.fake)) == 3  # 500, 429, delivered
    card = _supervisor_posts(slack.fake)[-1].params
    body = json.dumps(card["blocks"]) + card["text"]
    assert "J.D." in body and "Principal Smith" in body
    for raw in ("<!channel>", "<@U999>", "<https://evil", "|see policy>"):
        assert raw not in body
    [report] = slack.core.records.reports.find()
    assert report.number in body
    receipts = [
        c
        for c in slack.fake.of("chat.postMessage")
        if c.params["channel"] == "D1" and report.number in c.params["text"]
    ]
    assert receipts, "the reporter got no receipt with the report number"


def test_acknowledge_by_a_member_updates_the_card_and_tells_the_reporter(slack):
    _fill_in_dm(slack)
    assert wait_until(lambda: _supervisor_posts(slack.fake))
    card = _supervisor_posts(slack.fake)[-1]
    ack = next(
        e for _, e in _buttons(card.params["blocks"]) if e["action_id"].startswith("edc:report.ack")
    )
    posted_ts = slack.fake.history[SUPERVISOR_CHANNEL][0]["ts"]
    # not a member of the supervisor channel: refused once, in the core's words; nothing changes
    _click(slack, ack, user="U7", channel=SUPERVISOR_CHANNEL, message_ts=posted_ts)
    slack.idle()
    refusals = slack.fake.wait_for("response_url")
    assert [r.params["text"] for r in refusals] == [form_strings.ACK_NOT_ALLOWED]
    assert refusals[0].params["response_type"] == "ephemeral"
    assert _outbox(slack, "update") == []  # the refusal queued nothing to edit the card
    assert not slack.fake.of("chat.update")
    # a supervisor
    _click(slack, ack, user="USUPER", channel=SUPERVISOR_CHANNEL, message_ts=posted_ts)
    assert wait_until(lambda: slack.fake.of("chat.update"))
    update = slack.fake.of("chat.update")[0].params
    assert update["ts"] == posted_ts and update["channel"] == SUPERVISOR_CHANNEL
    assert not any(
        e["action_id"].startswith("edc:report.ack") for _, e in _buttons(update["blocks"])
    )
    assert wait_until(
        lambda: any(
            c.params["channel"] == "D1" and "acknowledged" in c.params["text"].lower()
            for c in slack.fake.of("chat.postMessage")
        )
    )
    [report] = slack.core.records.reports.find()
    assert report.acknowledgement is not None and report.acknowledgement.by_key == "slack:USUPER"


def test_modal_opens_at_once_and_shows_errors_on_the_fields(slack):
    slack.action("edc:form.open:2", "report", channel="", response_url="")
    [opened] = slack.fake.wait_for("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"] and view["callback_id"] == "edc:form:emergency_call"
    ids = [b["block_id"] for b in view["blocks"]]
    assert {"call_time", "need", "content", "supervisor"} <= set(ids)
    call_time = datetime.now(ZoneInfo("America/New_York")) - timedelta(hours=1)
    values = {
        "confidential": {"type": "radio_buttons", "selected_option": {"value": "yes"}},
        "emergency": {"type": "radio_buttons", "selected_option": {"value": "yes"}},
        "other_way": {"type": "radio_buttons", "selected_option": {"value": "no"}},
        "call_time": {"type": "datetimepicker", "selected_date_time": int(call_time.timestamp())},
        "party_type": {"type": "static_select", "selected_option": {"value": "parent"}},
        "phone": {"type": "static_select", "selected_option": {"value": "personal"}},
        **{k: v for k, v in TYPED.items() if k != "follow_up"},
        "content": "too short",
    }
    status, body, seconds = post(slack.url, view_submission(values), content_type=FORM)
    assert status == 200 and seconds < 3
    answer = json.loads(body)
    assert answer["response_action"] == "errors" and list(answer["errors"]) == ["content"]
    assert not slack.core.records.reports.find()
    values["content"] = CONTENT
    status, body, _ = post(slack.url, view_submission(values), content_type=FORM)
    assert status == 200 and body == ""  # the modal closes
    [report] = slack.core.records.reports.find()
    assert wait_until(lambda: _supervisor_posts(slack.fake))
    assert report.number in _supervisor_posts(slack.fake)[-1].params["text"]


def test_app_home_lists_the_users_reports_and_offers_to_start(slack):
    _fill_in_dm(slack)
    [report] = slack.core.records.reports.find()
    slack.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}, event_id="EvHome"
    )
    [published] = slack.fake.wait_for("views.publish")
    assert published.params["user_id"] == "U1"
    view = json.dumps(published.params["view"], ensure_ascii=False)
    assert report.number in view and load_form("emergency_call").start_button in view
    assert '"edc:form.start:0"' in view and '"edc:form.open:2"' in view
    slack.event(
        {"type": "app_home_opened", "user": "U2", "channel": "D2", "tab": "home"},
        event_id="EvHome2",
    )
    other = json.dumps(slack.fake.wait_for("views.publish", 2)[-1].params["view"])
    assert report.number not in other  # nobody sees another person's reports


def test_dialog_start_in_dm_offers_the_whole_form_as_a_modal(slack):
    slack.event(dm_event("report", ts="1700009000.1"), event_id="EvFormOffer")
    slack.idle()
    blocks = _last_dm(slack.fake).params["blocks"]
    offer = next(e for _, e in _buttons(blocks) if e["action_id"].startswith("edc:form.open"))
    assert offer["value"] == "emergency_call"
    _click(slack, offer, message_ts="m1")
    [opened] = slack.fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "edc:form:emergency_call"
