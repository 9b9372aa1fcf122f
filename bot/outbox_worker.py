"""The delivery worker: drains the outbox through the Notifiers, with backoff, on a thread.

It also queues what time makes due: a re-announce of a report not acknowledged in time (once —
the outbox key makes a second one impossible) and a reminder for a draft left idle.

Exactly once, also with several processes on one database: each message is claimed (a lease in
the outbox row) before it is attempted, so only one worker ever attempts it at a time. An attempt
whose outcome is unknown — the process died mid-call, or the platform's error was ambiguous — is
not simply repeated: the notifier is asked whether the post is already there (`find`), and when
it can't tell (the bot may not read the channel's history) the message is held for a person.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.messages import Reply
from bot.notify import DeliveryError, Notifier, Posted
from bot.records import Records, RecordsError
from bot.records.models import Draft, OutboxItem
from bot.supervisor_cards import Cards

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0  # how often time-based work (reminders) is checked when nothing wakes us
RETRY_MAX_SECONDS = 15 * 60
LEASE_SECONDS = 120.0  # longer than any one attempt (two Slack calls of at most 10 s each)
CHECKED = frozenset({"post", "reannounce"})  # channel posts: checked, never blindly repeated
HOLD_REASON = (
    "an earlier attempt may have posted it and the channel cannot be checked; look in the "
    "channel, then: python app.py reports deliveries --posted KEY (or --resend KEY)"
)


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
        lease_seconds: float = LEASE_SECONDS,
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
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.problems: dict[str, list[str]] = {}  # per platform, from the notifiers' checks
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
        self.check_routes()
        while not self._stop.is_set():
            try:
                self.run_once(_now())
            except Exception:  # the worker must outlive any one bad message
                log.exception("delivery pass failed; retrying")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    def check_routes(self) -> dict[str, list[str]]:
        """Ask each notifier that can (`check`) what stands in the way of exactly-once delivery
        (e.g. Slack: no permission to read the channel's history); logged by the notifier and
        kept in the records so `reports deliveries` shows it."""
        for platform, route in list(self.routes.items()):
            check = getattr(route.notifier, "check", None)
            if check is None or not route.destination:
                continue
            try:
                self.problems[platform] = list(check(route.destination))
            except Exception:
                log.exception("the %s delivery check failed", platform)
        try:
            self.records.outbox.note_problems(self.problems, now=_now())
        except Exception:
            log.exception("could not record the delivery check")
        return self.problems

    def health(self) -> dict:
        """For /healthz: "degraded" while a check found a problem or messages are held or
        failed (each needs a person); what and how many."""
        counts = {
            r["state"]: r["n"]
            for r in self.records.storage.rows(
                "select state, count(*) as n from outbox where state in ('held', 'failed') "
                "group by state"
            )
        }
        problems = [p for found in self.problems.values() for p in found]
        degraded = bool(problems or counts)
        return {"status": "degraded" if degraded else "ok", "problems": problems, **counts}

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
                destination=draft.user_id,
                now=now,
            )
            self.records.drafts.mark_reminded(draft.id, draft.state.turns)

    def _send(self, item: OutboxItem, now: datetime) -> bool:
        claimed = self.records.outbox.claim(item, owner=self.owner, now=now, lease=self.lease)
        if claimed is None:  # another process has it (or just sent it)
            return False
        item = claimed
        route = self.routes.get(item.platform)
        try:
            if route is None:
                raise DeliveryError(f"no notifier for platform {item.platform!r}", permanent=True)
            earlier = self._already_posted(item, route)
            if earlier is None:
                self.records.outbox.hold(item, reason=HOLD_REASON, now=now)
                log.error("delivery of %s held: %s", item.key, HOLD_REASON)
                return False
            ref = earlier or self._deliver(item, route)
        except DeliveryError as exc:
            self._failed(item, exc, now)
            return False
        except RecordsError as exc:  # a damaged row: retrying cannot mend it; the rest go on
            self._failed(item, DeliveryError(str(exc), permanent=True), now)
            return False
        except Exception as exc:  # a bug while building the message: keep it queued, log it
            log.exception("delivery of %s failed unexpectedly", item.key)
            self._failed(item, DeliveryError(type(exc).__name__), now)
            return False
        self.records.outbox.sent(item, posted_ref=ref, now=now)
        return True

    def _already_posted(self, item: OutboxItem, route: Route) -> str | None:
        """After an attempt with an unknown outcome: where the post landed, "" if it certainly
        didn't (post it), None if that can't be told (hold it)."""
        find = getattr(route.notifier, "find", None)
        if not item.in_flight or item.purpose not in CHECKED or find is None:
            return ""  # nothing to check (a notifier without `find` dedupes in `post` itself)
        return find(item.destination or route.destination, item.key)

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
            reply = self.cards.card(
                report,
                reannounce=item.purpose == "reannounce",
                witness=self.records.audit_witness(),
            )
            return route.notifier.post(destination, reply, key=item.key).ref
        if item.purpose == "update":
            ref = self.records.outbox.posted_ref(item.subject, item.platform, item.destination)
            if not ref:
                raise DeliveryError("the report card is not posted yet")
            card = self.cards.card(report, witness=self.records.audit_witness())
            route.notifier.update(item.destination, Posted(ref), card)
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
        backoff = min(self.retry_seconds * 2 ** min(item.attempts, 20), RETRY_MAX_SECONDS)
        wait = exc.retry_after if exc.retry_after is not None else backoff
        log.warning(
            "delivery of %s failed (attempt %d), retrying in %.0fs: %s",
            item.key,
            item.attempts + 1,
            wait,
            exc,
        )
        self.records.outbox.retry(
            item,
            error=str(exc),
            next_at=now + timedelta(seconds=wait),
            # Once in doubt, in doubt until `find` settles it: a later clear failure says
            # nothing about the earlier attempt.
            uncertain=(exc.ambiguous or item.in_flight) and item.purpose in CHECKED,
        )


def _now() -> datetime:
    return datetime.now(UTC)
