"""The delivery worker: drains the outbox through the Notifiers, with backoff, on a thread.

It also queues what time makes due: a re-announce of a report not acknowledged in time (once —
the outbox key makes a second one impossible) and a reminder for a draft left idle. Sending is
at-least-once from here and exactly-once overall: the outbox key goes to the Notifier as its
idempotency key, so a crash between posting and recording the post cannot produce a duplicate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.messages import Reply
from bot.notify import DeliveryError, Notifier, Posted
from bot.records import Records
from bot.records.models import Draft, OutboxItem
from bot.supervisor_cards import Cards

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0  # how often time-based work (reminders) is checked when nothing wakes us
RETRY_MAX_SECONDS = 15 * 60


@dataclass(frozen=True)
class Route:
    """Where one platform's reports go: its notifier and the supervisor channel."""

    notifier: Notifier
    destination: str


class DeliveryWorker:
    def __init__(
        self,
        *,
        records: Records,
        cards: Cards,
        routes: dict[str, Route],
        draft_reminder: Callable[[Draft, datetime], Reply],
        ack_after: timedelta,
        remind_after: timedelta,
        retry_seconds: float = 5.0,
        wakeup: threading.Event | None = None,
    ) -> None:
        """`routes` is read at every pass (surfaces register theirs while the core is built);
        `wakeup` is set by whoever queued something (see `wake`)."""
        self.records = records
        self.cards = cards
        self.routes = routes
        self.draft_reminder = draft_reminder
        self.ack_after = ack_after
        self.remind_after = remind_after
        self.retry_seconds = retry_seconds
        self._wake = wakeup or threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- the thread -----------------------------------------------------------------------

    def start(self) -> None:
        self.records.outbox.requeue_failed(_now())
        self._thread = threading.Thread(target=self._loop, name="edc-delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread, then make one last pass so what was just queued is not left waiting."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        try:
            self.run_once(_now())
        except Exception:
            log.exception("final delivery pass failed; the outbox keeps the rest for next time")

    def wake(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once(_now())
            except Exception:  # the worker must outlive any one bad message
                log.exception("delivery pass failed; retrying")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    # ---- one pass -------------------------------------------------------------------------

    def run_once(self, now: datetime) -> int:
        """Queue what time made due, then try every due message once; return how many were sent."""
        self._schedule(now)
        due = self.records.outbox.due(now, platforms=tuple(self.routes))
        return sum(self._send(item, now) for item in due)

    def _schedule(self, now: datetime) -> None:
        outbox = self.records.outbox
        for number, platform, destination in self.records.reports.unacknowledged(
            delivered_before=now - self.ack_after
        ):
            outbox.add(
                subject=number,
                purpose="reannounce",
                platform=platform,
                destination=destination,
                now=now,
            )
        for draft in self.records.drafts.idle(before=now - self.remind_after):
            outbox.add(
                subject=f"{draft.id}#{draft.state.turns}",
                purpose="reminder",
                platform=draft.platform,
                destination=draft.user_key.partition(":")[2],
                now=now,
            )
            self.records.drafts.mark_reminded(draft.id, draft.state.turns)

    def _send(self, item: OutboxItem, now: datetime) -> bool:
        route = self.routes.get(item.platform)
        try:
            if route is None:
                raise DeliveryError(f"no notifier for platform {item.platform!r}", permanent=True)
            ref = self._deliver(item, route)
        except DeliveryError as exc:
            self._failed(item, exc, now)
            return False
        except Exception as exc:  # a bug while building the message: keep it queued, log it
            log.exception("delivery of %s failed unexpectedly", item.key)
            self._failed(item, DeliveryError(type(exc).__name__), now)
            return False
        self.records.outbox.sent(item, posted_ref=ref, now=now)
        return True

    def _deliver(self, item: OutboxItem, route: Route) -> str:
        if item.purpose == "reminder":
            draft = self.records.drafts.get(item.subject.partition("#")[0])
            if draft is not None and draft.status == "open":
                route.notifier.send_direct(item.destination, self.draft_reminder(draft, _now()))
            return ""
        report = self.records.reports.get(item.subject)
        if report is None:
            raise DeliveryError(f"report {item.subject} not found", permanent=True)
        if item.purpose in ("post", "reannounce"):
            # Filed while no supervisor channel was configured: the channel set since then.
            destination = item.destination or route.destination
            if not destination:
                raise DeliveryError(f"no supervisor channel is configured for {item.platform}")
            reply = self.cards.card(report, reannounce=item.purpose == "reannounce")
            return route.notifier.post(destination, reply, key=item.key).ref
        if item.purpose == "update":
            ref = self.records.outbox.posted_ref(item.subject, item.platform, item.destination)
            if not ref:
                raise DeliveryError("the report card is not posted yet")
            route.notifier.update(item.destination, Posted(ref), self.cards.card(report))
            return ref
        if item.purpose == "notice":
            route.notifier.send_direct(item.destination, self.cards.ack_notice(report))
            return ""
        raise DeliveryError(f"unknown outbox purpose {item.purpose!r}", permanent=True)

    def _failed(self, item: OutboxItem, exc: DeliveryError, now: datetime) -> None:
        if exc.permanent:
            log.error("delivery of %s failed permanently: %s", item.key, exc)
            self.records.outbox.failed(item, error=str(exc), now=now)
            return
        backoff = min(self.retry_seconds * 2**item.attempts, RETRY_MAX_SECONDS)
        wait = exc.retry_after if exc.retry_after is not None else backoff
        log.warning(
            "delivery of %s failed (attempt %d), retrying in %.0fs: %s",
            item.key,
            item.attempts + 1,
            wait,
            exc,
        )
        self.records.outbox.retry(item, error=str(exc), next_at=now + timedelta(seconds=wait))


def _now() -> datetime:
    return datetime.now(UTC)
