"""The Slack `Notifier` (bot/notify.py): the outbox posts reports and DMs through it.

It never retries by itself and never swallows a failure: every Slack error becomes a
`DeliveryError` the outbox can act on — with `retry_after` from a 429's Retry-After header, and
`permanent` only when the message itself is unacceptable (resending the same one cannot help).
A missing channel or the bot not being in it is *not* permanent: the outbox keeps the report
until IT fixes the channel.

Exactly once: each post carries its idempotency key in the message metadata. Before posting,
the channel's recent history is checked for a message with that key — so when a post reached
Slack but the answer was lost (a timeout), the retry finds it instead of posting twice.
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
from handlers.slack.delivery import POST_OPTIONS, DirectChannels

log = logging.getLogger(__name__)

METADATA_EVENT = "edc_delivery"
HISTORY_LOOKBACK = 200  # messages searched for an earlier post with the same key
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

    def post(self, destination: str, reply: Reply, *, key: str) -> Posted:
        with _delivery_errors():
            earlier = self._find(destination, key)
            if earlier:
                log.info("delivery %s was already posted (ts %s); not posting again", key, earlier)
                return Posted(f"{destination}/{earlier}")
            response = self.client.chat_postMessage(
                channel=destination,
                **_with_supervisor_mention(render(reply), reply),
                **POST_OPTIONS,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}},
            )
            return Posted(f"{response['channel']}/{response['ts']}")

    def update(self, destination: str, posted: Posted, reply: Reply) -> None:
        channel, _, ts = posted.ref.rpartition("/")
        with _delivery_errors():
            self.client.chat_update(channel=channel or destination, ts=ts, **render(reply))

    def send_direct(self, user_id: str, reply: Reply) -> None:
        with _delivery_errors():
            channel = self.dms.channel_for(_slack_user(user_id))
            self.client.chat_postMessage(channel=channel, **render(reply), **POST_OPTIONS)

    def _find(self, channel: str, key: str) -> str:
        """The ts of an earlier message of ours carrying `key`, or "" (history unreadable: "")."""
        try:
            history = self.client.conversations_history(
                channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        except SlackApiError as exc:
            if _status(exc) == 429 or _status(exc) >= 500:
                raise
            log.warning(
                "cannot read %s history to de-duplicate (%s); posting",
                channel,
                exc.response.get("error"),
            )
            return ""
        for message in history.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT and (
                (metadata.get("event_payload") or {}).get("key") == key
            ):
                return message.get("ts", "")
        return ""


def _slack_user(user_id: str) -> str:
    """The core may key users as "slack:U123"; Slack wants "U123"."""
    return user_id.split(":", 1)[1] if user_id.startswith("slack:") else user_id


def _status(exc: SlackApiError) -> int:
    return getattr(exc.response, "status_code", 0) or 0


class _delivery_errors:
    """Turn every Slack / network failure into a DeliveryError the outbox understands."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, DeliveryError):
            return False
        if isinstance(exc, SlackApiError):
            status = _status(exc)
            error = (
                str((exc.response.data or {}).get("error", ""))
                if isinstance(exc.response.data, dict)
                else ""
            )
            retry_after = None
            if status == 429:
                retry_after = _retry_after(exc.response.headers)
            raise DeliveryError(
                f"Slack API error {status} {error}".strip(),
                retry_after=retry_after,
                permanent=error in PERMANENT_ERRORS,
            ) from exc
        if isinstance(exc, SlackRequestError | OSError | TimeoutError):
            raise DeliveryError(f"Slack unreachable: {exc}") from exc
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
