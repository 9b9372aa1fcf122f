"""The supervisor channel: the start-up check, and who may acknowledge a report (one check,
asked by the core through the surface: the refusal is the core's one message)."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.slack import strings

log = logging.getLogger(__name__)

MEMBERS_TTL = 60.0  # membership changes rarely; a minute-old list is fine, a removal counts soon


def check_channel(client: WebClient, channel: str) -> list[str]:
    """Log (loudly where it matters) whether the supervisor channel can receive reports.

    Returns the problems found, empty when all is well. Never raises: the bot still answers
    questions while IT fixes the channel, and reports wait in the outbox.
    """
    if not channel:
        log.warning(strings.LOG_NO_SUPERVISOR_CHANNEL)
        return ["not set"]
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as exc:
        log.error(strings.LOG_CHANNEL_NOT_FOUND, channel, _error(exc))
        return ["not found"]
    except Exception as exc:  # network down at start-up: say so, keep going
        log.error(strings.LOG_CHANNEL_NOT_FOUND, channel, exc)
        return ["unreachable"]
    problems = []
    name = info.get("name", "?")
    if not info.get("is_member", False):
        log.error(strings.LOG_BOT_NOT_IN_CHANNEL, channel, name)
        problems.append("bot not a member")
    if not info.get("is_private", False) and not info.get("is_im") and not info.get("is_mpim"):
        log.warning(strings.LOG_CHANNEL_PUBLIC, channel, name)
        problems.append("public")
    if not problems:
        log.info(strings.LOG_CHANNEL_OK, channel, name)
    return problems


class Supervisors:
    """Who may acknowledge or view a report on Slack: members of SLACK_SUPERVISOR_CHANNEL."""

    def __init__(self, members: Members, channel: str) -> None:
        self._members = members
        self._channel = channel

    def include(self, user_id: str) -> bool:
        if not self._channel:
            return False
        try:
            return self._members.is_member(self._channel, user_id)
        except Exception:  # Slack unreachable: refuse rather than let anyone acknowledge
            log.exception("cannot check supervisor channel membership")
            return False


class Members:
    """Who is in a channel (conversations.members, all pages), cached for a minute."""

    def __init__(self, client: WebClient, *, ttl: float = MEMBERS_TTL) -> None:
        self._client = client
        self._ttl = ttl
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def is_member(self, channel: str, user: str) -> bool:
        members = self._members(channel)
        if user in members:
            return True
        # Just added? Look again before refusing (cheap: only on a refusal).
        return user in self._members(channel, fresh=True)

    def _members(self, channel: str, *, fresh: bool = False) -> frozenset[str]:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(channel)
        if cached and not fresh and now - cached[0] < self._ttl:
            return cached[1]
        members: set[str] = set()
        cursor = None
        while True:
            page = self._client.conversations_members(channel=channel, limit=1000, cursor=cursor)
            members.update(page.get("members", []))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        result = frozenset(members)
        with self._lock:
            self._cache[channel] = (now, result)
        return result


def _error(exc: SlackApiError) -> str:
    try:
        return str(exc.response["error"])
    except Exception:
        return str(exc)
