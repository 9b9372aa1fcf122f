"""Slack payloads in, the core's `Incoming` out — and the noise dropped before it gets that far.

Each function takes the raw Slack payload and returns `(Incoming, Origin)`, or None for noise:
the bot's own messages, other bots, edits and deletions, joins, topic changes — every message
with a `subtype` — and empty text. `Origin` keeps the Slack details the core never sees but the
reply needs (response_url, thread, trigger_id).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.messages import Action, Incoming
from handlers.slack.blocks import action_name
from handlers.slack.escape import from_slack

PLATFORM = "slack"


@dataclass(frozen=True)
class Origin:
    """Where on Slack something came from, so the answer goes back the right way."""

    kind: str  # "command" | "dm" | "mention" | "action" | "view"
    user_id: str
    channel_id: str = ""
    team_id: str = ""
    app_id: str = ""
    response_url: str = ""
    thread_ts: str = ""
    message_ts: str = ""  # the message a pressed button was on
    trigger_id: str = ""
    in_dm: bool = False  # the user's own conversation with the bot
    text: str = ""  # what the user typed (commands: shown back above the answer)


def from_command(body: dict) -> tuple[Incoming, Origin]:
    """A `/edc …` slash command."""
    user = body.get("user_id", "")
    channel = body.get("channel_id", "")
    text = from_slack(body.get("text", ""))
    origin = Origin(
        kind="command",
        user_id=user,
        channel_id=channel,
        team_id=body.get("team_id", ""),
        app_id=body.get("api_app_id", ""),
        response_url=body.get("response_url", ""),
        trigger_id=body.get("trigger_id", ""),
        text=text,
    )
    return _incoming(text, user, channel, private=False, name=body.get("user_name", "")), origin


def from_message(body: dict) -> tuple[Incoming, Origin] | None:
    """A message in the user's DM with the bot (`message.im`)."""
    event = body.get("event") or {}
    if is_noise(event) or event.get("channel_type") != "im":
        return None
    text = from_slack(event.get("text", ""))
    if not text:
        return None
    user, channel = event["user"], event.get("channel", "")
    origin = Origin(
        kind="dm",
        user_id=user,
        channel_id=channel,
        team_id=body.get("team_id", ""),
        app_id=body.get("api_app_id", ""),
        thread_ts=event.get("thread_ts", ""),
        in_dm=True,
        text=text,
    )
    return _incoming(text, user, channel, private=True), origin


def from_mention(body: dict, *, bot_user_id: str) -> tuple[Incoming, Origin] | None:
    """`@EDC …` in a channel. The bot's own mention is removed from the question."""
    event = body.get("event") or {}
    if is_noise(event):
        return None
    text = from_slack(event.get("text", ""), drop_user=bot_user_id)
    user, channel = event["user"], event.get("channel", "")
    in_dm = event.get("channel_type") == "im"
    origin = Origin(
        kind="dm" if in_dm else "mention",
        user_id=user,
        channel_id=channel,
        team_id=body.get("team_id", ""),
        app_id=body.get("api_app_id", ""),
        thread_ts=event.get("thread_ts", ""),
        message_ts=event.get("ts", ""),
        in_dm=in_dm,
        text=text,
    )
    return _incoming(text, user, channel, private=in_dm), origin


def from_action(body: dict, action: dict, *, text: str = "") -> tuple[Incoming, Origin]:
    """A button we rendered (action_id `edc:<core action>:<n>`), as the core's `Action`."""
    user = (body.get("user") or {}).get("id", "")
    channel = (body.get("channel") or {}).get("id", "") or (body.get("container") or {}).get(
        "channel_id", ""
    )
    container = body.get("container") or {}
    origin = Origin(
        kind="action",
        user_id=user,
        channel_id=channel,
        team_id=(body.get("team") or {}).get("id", ""),
        app_id=body.get("api_app_id", ""),
        response_url=body.get("response_url", ""),
        thread_ts=(body.get("message") or {}).get("thread_ts", ""),
        message_ts=container.get("message_ts", ""),
        trigger_id=body.get("trigger_id", ""),
        in_dm=channel.startswith("D"),
    )
    name = action_name(action.get("action_id", ""))
    value = action.get("value", "")
    incoming = Incoming(
        text=text,
        user_id=user,
        conversation_id=channel,
        platform=PLATFORM,
        is_private=origin.in_dm,
        user_name=(body.get("user") or {}).get("username", ""),
        action=Action(name, value if value != "-" else ""),
    )
    return incoming, origin


def is_noise(event: dict) -> bool:
    """Edits, deletions, joins, bot posts (ours included), hidden messages, or no user."""
    return bool(
        event.get("subtype")
        or event.get("bot_id")
        or event.get("bot_profile")
        or event.get("hidden")
        or not event.get("user")
    )


def _incoming(text: str, user: str, channel: str, *, private: bool, name: str = "") -> Incoming:
    return Incoming(
        text=text,
        user_id=user,
        conversation_id=channel,
        platform=PLATFORM,
        is_private=private,
        user_name=name,
    )
