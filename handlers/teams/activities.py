"""A Bot Framework activity → what the core understands (or a Teams-only event, or nothing).

Platform noise is dropped here, at the edge: typing, reactions, edits and deletes, installs that
also arrive as conversationUpdate, the bot's own messages, members joining a team.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.messages import Action, Incoming
from handlers.teams.cards import DATE_SUFFIX, PROMPT_ACTION, TIME_SUFFIX

PLATFORM = "teams"
SET_SUPERVISOR = re.compile(r"^\s*set\s+(?:the\s+)?supervisor\s+channel\s*[.!]?\s*$", re.I)
_AT_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Event:
    """What an activity means to us. `kind`: "message" (for the core; `incoming` set),
    "welcome" (the bot was added), "set_supervisor" (the admin command), or "ignore"."""

    kind: str
    incoming: Incoming | None = None
    scope: str = "personal"  # "personal" | "channel" | "groupChat"
    invoke: bool = False  # an invoke activity: Teams waits for an invoke response


def invalid_activity(activity) -> str | None:
    """Why this deserialized activity can't be handled (a 400 at the endpoint), or None.
    msrest fills in what it can and leaves wrong-typed or missing fields as None."""
    if not isinstance(activity.type, str) or not activity.type:
        return "no type"
    if not isinstance(activity.service_url, str) or not activity.service_url:
        return "no serviceUrl"
    conversation = activity.conversation
    if conversation is None or not isinstance(conversation.id, str) or not conversation.id:
        return "no conversation"
    sender = activity.from_property
    if sender is not None and not isinstance(sender.id, str | None):
        return "a sender without an ID"
    if not isinstance(activity.text, str | None):
        return "text that is not text"
    return None


def scope_of(activity) -> str:
    conversation = activity.conversation
    kind = getattr(conversation, "conversation_type", None) if conversation else None
    if kind in ("channel", "groupChat"):
        return kind
    if kind is None and conversation is not None and getattr(conversation, "is_group", False):
        return "groupChat"
    return "personal"


def translate(activity) -> Event:
    scope = scope_of(activity)
    kind = activity.type
    bot_id = activity.recipient.id if activity.recipient else ""
    sender = activity.from_property
    if kind == "conversationUpdate":
        added = [m.id for m in activity.members_added or []]
        return Event("welcome" if bot_id and bot_id in added else "ignore", scope=scope)
    if sender is None or not sender.id or sender.id == bot_id:
        return Event("ignore", scope=scope)
    if kind == "invoke" and activity.name == "adaptiveCard/action":
        data = ((activity.value or {}).get("action") or {}).get("data") or {}
        return Event("message", _incoming(activity, scope, "", _action(data)), scope, invoke=True)
    if kind != "message":
        return Event("ignore", scope=scope)
    if isinstance(activity.value, dict) and activity.value.get("action"):
        return Event("message", _incoming(activity, scope, "", _action(activity.value)), scope)
    text = message_text(activity)
    if SET_SUPERVISOR.match(text):
        return Event("set_supervisor", _incoming(activity, scope, text, None), scope)
    if not text and not activity.attachments:
        return Event("ignore", scope=scope)
    return Event("message", _incoming(activity, scope, text, None), scope)


def message_text(activity) -> str:
    """What the user typed, without the bot's @mention and without Teams' HTML wrapping."""
    names = _bot_mention_names(activity)

    # Remove only the bot's own mention; other people's names stay, as plain text.
    def mention(match: re.Match) -> str:
        name = html.unescape(match.group(1)).strip()
        return "" if not names or name in names else name

    text = _AT_TAG.sub(mention, activity.text or "")
    text = html.unescape(_TAG.sub(" ", text))
    return _SPACE.sub(" ", text).strip()


def _bot_mention_names(activity) -> set[str]:
    bot_id = activity.recipient.id if activity.recipient else ""
    names = set()
    for entity in activity.entities or []:
        if getattr(entity, "type", "") != "mention":
            continue
        mentioned = (getattr(entity, "additional_properties", None) or {}).get("mentioned") or {}
        if mentioned.get("id") == bot_id and mentioned.get("name"):
            names.add(str(mentioned["name"]).strip())
    return names


def _action(data: dict) -> Action:
    """Card Submit data → Action. A Prompt's Submit carries its input(s): it becomes the
    dialog's answer action with value "field=answer", exactly what the dialog's own buttons
    send; a datetime Prompt's date and time inputs are joined into one "YYYY-MM-DD HH:MM"."""
    name = str(data.get("action", ""))
    value = str(data.get("value", ""))
    values = {
        str(k): str(v).strip()
        for k, v in data.items()
        if k not in ("action", "value", "prompt", "msteams") and isinstance(v, str | int | float)
    }
    field = str(data.get("prompt", ""))
    if name == PROMPT_ACTION and field:
        if field + DATE_SUFFIX in values or field + TIME_SUFFIX in values:
            date = values.pop(field + DATE_SUFFIX, "")
            time = values.pop(field + TIME_SUFFIX, "")
            values[field] = f"{date} {time}".strip()
        value = f"{field}={values.get(field, '')}"
    return Action(name, value, values)


def _incoming(activity, scope: str, text: str, action: Action | None) -> Incoming:
    sender = activity.from_property
    return Incoming(
        text=text,
        user_id=sender.id,
        conversation_id=activity.conversation.id if activity.conversation else "",
        platform=PLATFORM,
        is_private=scope == "personal",
        user_name=sender.name or "",
        action=action,
    )


def tenant_of(activity) -> str:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = (data.get("tenant") or {}).get("id", "")
    if not tenant and activity.conversation is not None:
        tenant = getattr(activity.conversation, "tenant_id", "") or ""
    return tenant


def channel_of(activity) -> str:
    """The team channel's ID (a channel conversation's ID also names the thread)."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    channel = (data.get("channel") or {}).get("id", "")
    if not channel and activity.conversation is not None:
        channel = (activity.conversation.id or "").split(";", 1)[0]
    return channel
