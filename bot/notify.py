"""How the core reaches people outside a request/response: the supervisor channel and DMs.

Each surface provides a Notifier (console: a local log file; Slack: chat.postMessage; Teams:
proactive messages). The outbox (bot/records) calls it and retries on DeliveryError, so a
Notifier never retries by itself and never swallows a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.messages import Reply


class DeliveryError(Exception):
    """Posting failed. `retry_after` (seconds) when the platform said when to try again
    (HTTP 429 Retry-After); `permanent` when trying again cannot help (channel not found);
    `ambiguous` when the request may have been carried out all the same (a timeout, a 5xx after
    sending): the message may be there, so the outbox checks before posting it again."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        ambiguous: bool = False,
    ):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.ambiguous = ambiguous


@dataclass(frozen=True)
class Posted:
    """Where a message landed, so it can be updated later (Slack channel+ts, Teams activity id)."""

    ref: str


class Notifier(Protocol):
    platform: str  # "console" | "slack" | "teams"

    def post(self, destination: str, reply: Reply, *, key: str) -> Posted:
        """Post to a channel. `key` is the idempotency key (same key = same message)."""

    def update(self, destination: str, posted: Posted, reply: Reply) -> None:
        """Replace a posted message (e.g. the report card after Acknowledge)."""

    def send_direct(self, user_id: str, reply: Reply) -> None:
        """Message one user privately (receipts, acknowledgement notices, reminders)."""


class Finder(Protocol):
    """Optional for a Notifier: whether a post with this key is already in the channel.
    Returns where it landed (a `Posted.ref`), "" when it is certainly not there, None when it can't be told
    (e.g. the bot may not read the channel's history). The outbox asks only after an attempt
    whose outcome is unknown; a notifier without it dedupes inside `post` by itself."""

    def find(self, destination: str, key: str) -> str | None: ...
