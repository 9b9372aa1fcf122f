"""The Slack `Notifier` (bot/notify.py): the outbox posts reports and DMs through it.

It never retries by itself and never swallows a failure: every Slack error becomes a
`DeliveryError` the outbox can act on — with `retry_after` from a 429's Retry-After header, and
`permanent` only when the message itself is unacceptable (resending the same one cannot help).
A missing channel or the bot not being in it is *not* permanent: the outbox keeps the report
until IT fixes the channel.

Exactly once: chat.postMessage has no idempotency key, so each post carries ours in the
message metadata, and a post is looked for in the channel's recent history (by that key)
before it is made — when a post reached Slack but the answer was lost, the retry finds it.
That needs the history scope (channels:history / groups:history). Without it the notifier
doesn't guess: `check` says so at start-up, `find` answers "can't tell", and the outbox (which
marks every attempt in flight before the call) holds a post whose first attempt had an
ambiguous outcome (a timeout, a 5xx) for a person instead of posting it again. See
docs/records-integrity.md.
"""

from __future__ import annotations

import logging
import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.forms.strings import CARD_FIELDS
from bot.messages import Fields, Reply
from bot.notify import DeliveryError, Posted
from handlers.slack import strings
from handlers.slack.blocks import render
from handlers.slack.replies import POST_OPTIONS, DirectChannels

log = logging.getLogger(__name__)

METADATA_EVENT = "edc_delivery"
HISTORY_LOOKBACK = 200  # messages searched for an earlier post with the same key
# Slack's answers that leave the outcome of a chat.postMessage unknown (it may have posted).
AMBIGUOUS_ERRORS = frozenset(
    {"internal_error", "fatal_error", "request_timeout", "service_unavailable"}
)
PERMANENT_ERRORS = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_arguments",
        "invalid_metadata_format",
        "metadata_too_large",
    }
)


class SlackNotifier:
    platform = "slack"

    def __init__(self, *, client: WebClient, dms: DirectChannels | None = None) -> None:
        # A client without retry handlers: retrying is the outbox's job, not the SDK's.
        self.client = client
        self.dms = dms or DirectChannels(client)
        self._unreadable: set[str] = set()  # channels whose history we may not read

    def post(self, destination: str, reply: Reply, *, key: str) -> Posted:
        with _delivery_errors():
            earlier = self.find(destination, key)
            if earlier:
                log.info("delivery %s was already posted (%s); not posting again", key, earlier)
                return Posted(earlier)
            response = self.client.chat_postMessage(
                channel=destination,
                **_with_supervisor_mention(render(reply), reply),
                **POST_OPTIONS,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}},
            )
            return Posted(f"{response['channel']}/{response['ts']}")

    def find(self, channel: str, key: str) -> str | None:
        """Where an earlier post of ours with `key` landed ("channel/ts"), "" when the recent
        history holds none, None when the history can't be read (no scope)."""
        if channel in self._unreadable:
            return None
        with _delivery_errors():
            try:
                history = self.client.conversations_history(
                    channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
                )
            except SlackApiError as exc:
                if _status(exc) == 429 or _status(exc) >= 500:
                    raise
                self._cannot_read(channel, _error(exc))
                return None
        for message in history.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT and (
                (metadata.get("event_payload") or {}).get("key") == key
            ):
                return f"{channel}/{message.get('ts', '')}"
        return ""

    def check(self, channel: str) -> list[str]:
        """At start-up: can the bot read the supervisor channel's history (to find an earlier
        post after an unclear outcome)? Returns the problems, logged loudly."""
        try:
            self.client.conversations_history(channel=channel, limit=1)
        except SlackApiError as exc:
            if _status(exc) == 429 or _status(exc) >= 500:
                return []  # Slack busy: it says nothing about our permissions
            self._cannot_read(channel, _error(exc))
            return [strings.HISTORY_UNREADABLE.format(channel=channel, error=_error(exc))]
        except (SlackRequestError, OSError) as exc:
            log.warning("could not check %s history at start-up: %s", channel, exc)
            return []
        self._unreadable.discard(channel)
        return []

    def _cannot_read(self, channel: str, error: str) -> None:
        if channel not in self._unreadable:
            log.error(strings.LOG_HISTORY_UNREADABLE, channel, error)
        self._unreadable.add(channel)

    def update(self, destination: str, posted: Posted, reply: Reply) -> None:
        channel, _, ts = posted.ref.rpartition("/")
        with _delivery_errors():
            self.client.chat_update(channel=channel or destination, ts=ts, **render(reply))

    def send_direct(self, user_id: str, reply: Reply) -> None:
        with _delivery_errors():
            channel = self.dms.channel_for(_slack_user(user_id))
            self.client.chat_postMessage(channel=channel, **render(reply), **POST_OPTIONS)


def _slack_user(user_id: str) -> str:
    """The core may name a user by their key, "slack:U123" (bot/users.py); Slack wants "U123"."""
    return user_id.removeprefix("slack:")


def _status(exc: SlackApiError) -> int:
    return getattr(exc.response, "status_code", 0) or 0


def _error(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error", "")) if isinstance(data, dict) else ""


class _delivery_errors:
    """Turn every Slack / network failure into a DeliveryError the outbox understands."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, DeliveryError):
            return False
        if isinstance(exc, SlackApiError):
            status, error = _status(exc), _error(exc)
            retry_after = _retry_after(exc.response.headers) if status == 429 else None
            raise DeliveryError(
                f"Slack API error {status} {error}".strip(),
                retry_after=retry_after,
                permanent=error in PERMANENT_ERRORS,
                ambiguous=status >= 500 or error in AMBIGUOUS_ERRORS,
            ) from exc
        if isinstance(exc, SlackRequestError | OSError | TimeoutError):
            # Refused before anything was sent: certainly not posted. Anything else (a timeout,
            # a reset connection) may have reached Slack.
            refused = isinstance(exc, ConnectionRefusedError) or isinstance(
                getattr(exc, "reason", None), ConnectionRefusedError
            )
            raise DeliveryError(f"Slack unreachable: {exc}", ambiguous=not refused) from exc
        return False


def _retry_after(headers) -> float:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value[0] if isinstance(value, list) else value))
            except (TypeError, ValueError):
                break
    return 1.0


# A supervisor the reporter named with Slack's @-picker arrives as "@U0123ABCD" (see
# escape.from_slack): that one person, and only that person, is mentioned so Slack notifies them.
_SLACK_USER = re.compile(r"^@?([UW][A-Z0-9]{6,})$")


def _with_supervisor_mention(message: dict, reply: Reply) -> dict:
    user = _named_supervisor(reply)
    if not user:
        return message
    notice = strings.SUPERVISOR_MENTION.format(user=f"<@{user}>")
    context = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": notice, "verbatim": True}],
    }
    return {
        **message,
        "text": f"{notice}\n{message['text']}",
        "blocks": [context, *message["blocks"]],
    }


def _named_supervisor(reply: Reply) -> str:
    if reply.kind != "report_card":
        return ""
    label = CARD_FIELDS["supervisor"]
    for part in reply.parts:
        if isinstance(part, Fields):
            for name, value in part.items:
                match = _SLACK_USER.match(value.strip()) if name == label else None
                if match:
                    return match.group(1)
    return ""
