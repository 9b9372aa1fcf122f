"""Remember what was already handled, so a retried event or a double click runs once.

Slack re-sends an event (same `event_id`, header `X-Slack-Retry-Num`) when it did not see a 200
within 3 seconds or the connection dropped; Socket Mode re-sends the envelope with
`retry_attempt`. A nervous double tap on a button arrives as two `block_actions` payloads with
different `action_ts` but the same user, element, value and message. Both are caught here, in
memory: retries come within minutes, and a restart in between is rare enough that answering a
question twice then is acceptable (a dialog step is additionally guarded by the core, which saves
each answer before asking the next question).
"""

from __future__ import annotations

EVENT_TTL = 3600.0  # Slack retries for up to about an hour in the worst case
CLICK_TTL = 10.0  # two presses of the same button on the same message within this = one


def event_key(body: dict) -> str | None:
    """The Events API / Socket Mode event ID, or the message's channel and timestamp."""
    if body.get("event_id"):
        return "event:" + body["event_id"]
    event = body.get("event") or {}
    if event.get("channel") and event.get("ts"):
        return f"message:{event['channel']}:{event['ts']}"
    return None


def message_key(event: dict) -> str | None:
    """The same user message delivered under two event IDs (message.im and app_mention)."""
    if event.get("channel") and event.get("ts"):
        return f"message:{event['channel']}:{event['ts']}"
    return None


def click_key(body: dict, action: dict) -> str:
    """Who pressed which element with which value on which message or view."""
    container = body.get("container") or {}
    where = (
        container.get("message_ts")
        or container.get("view_id")
        or (body.get("view") or {}).get("id", "")
    )
    user = (body.get("user") or {}).get("id", "")
    return f"click:{user}:{where}:{action.get('block_id', '')}:{action.get('action_id', '')}:{action.get('value', '')}"
