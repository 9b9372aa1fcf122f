"""The outbox: every message the bot owes someone, until it has been sent.

A row's key names the report (or draft), the purpose and the destination, so queueing the same
thing twice is a no-op and a restart resumes exactly what was left. The key is also passed to
the Notifier as its idempotency key. Rows hold no content: the message is built at send time.

Exactly once across processes: a worker *claims* a row before attempting it — one atomic
`UPDATE … WHERE` that succeeds for one process only — and holds it for a lease; a process that
dies holding it loses it when the lease runs out, and another takes over. The claim also marks
the row in flight, committed before the platform is called: if the outcome is never recorded
(a crash) or was ambiguous, the next attempt checks whether the message is already there rather
than posting it again, and when that can't be checked the row is held for a person.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import sqlite_utils

from bot.records import audit
from bot.records.clock import stamp
from bot.records.database import Storage
from bot.records.models import OutboxItem

AUDITED = {
    "post": "report.delivered",
    "reannounce": "report.reannounced",
    "notice": "reporter.notified",
    "update": "report.card_updated",
}
RELEASED = "lease_owner = '', lease_until = ''"


def outbox_key(subject: str, purpose: str, platform: str, destination: str) -> str:
    return f"{subject}:{purpose}:{platform}:{destination}"


def enqueue(
    db: sqlite_utils.Database,
    *,
    subject: str,
    purpose: str,
    platform: str,
    destination: str,
    now: datetime,
) -> str:
    """Queue a message inside the caller's transaction; an existing key is left alone."""
    key = outbox_key(subject, purpose, platform, destination)
    db["outbox"].insert(
        {
            "key": key,
            "subject": subject,
            "purpose": purpose,
            "platform": platform,
            "destination": destination,
            "state": "pending",
            "attempts": 0,
            "next_at": stamp(now),
            "last_error": "",
            "posted_ref": "",
            "created_at": stamp(now),
            "sent_at": "",
        },
        pk="key",
        ignore=True,
    )
    return key


class Outbox:
    def __init__(self, *, storage: Storage) -> None:
        self._s = storage

    def add(
        self, *, subject: str, purpose: str, platform: str, destination: str, now: datetime
    ) -> str:
        with self._s.transaction() as db:
            return enqueue(
                db,
                subject=subject,
                purpose=purpose,
                platform=platform,
                destination=destination,
                now=now,
            )

    def due(
        self, now: datetime, *, platforms: tuple[str, ...], limit: int = 20
    ) -> list[OutboxItem]:
        """Pending messages for these platforms whose time has come and that no live lease
        holds. Another process (the console chat on the same database, say) leaves the other
        platforms' messages alone. Only `claim` makes one yours."""
        if not platforms:
            return []
        marks = ", ".join("?" for _ in platforms)
        rows = self._s.rows(
            f"select * from outbox where state = 'pending' and next_at <= ? and platform in ({marks}) "
            "and (lease_owner = '' or lease_until < ?) order by next_at limit ?",
            (stamp(now), *platforms, stamp(now), limit),
        )
        return [_item(r) for r in rows]

    def claim(
        self, item: OutboxItem, *, owner: str, now: datetime, lease: timedelta
    ) -> OutboxItem | None:
        """Make the row this owner's for `lease` and mark it in flight; None when another
        process holds it or it was dealt with meanwhile. The returned item's `in_flight` says
        whether an earlier attempt's outcome is unknown."""
        with self._s.transaction() as db:
            rows = list(db.query("select * from outbox where key = ?", (item.key,)))
            claimed = db.execute(
                "update outbox set lease_owner = ?, lease_until = ?, in_flight = 1 "
                "where key = ? and state = 'pending' and next_at <= ? "
                "and (lease_owner = '' or lease_until < ?)",
                (owner, stamp(now + lease), item.key, stamp(now), stamp(now)),
            ).rowcount
        return _item(rows[0]) if claimed == 1 and rows else None

    def sent(self, item: OutboxItem, *, posted_ref: str, now: datetime) -> None:
        with self._s.transaction() as db:
            changed = db.execute(
                f"update outbox set state = 'sent', posted_ref = ?, sent_at = ?, attempts = ?, "
                f"in_flight = 0, {RELEASED} where key = ? and state != 'sent'",
                (posted_ref, stamp(now), item.attempts + 1, item.key),
            ).rowcount
            if changed and item.purpose in AUDITED:
                audit.append(
                    db,
                    at=stamp(now),
                    event=AUDITED[item.purpose],
                    subject=item.subject,
                    actor="system",
                    detail={
                        "to": f"{item.platform}:{item.destination}",
                        "attempts": item.attempts + 1,
                    },
                )

    def retry(
        self, item: OutboxItem, *, error: str, next_at: datetime, uncertain: bool = False
    ) -> None:
        """Try again at `next_at`. `uncertain`: the attempt may have reached the platform, so
        the next one checks before posting."""
        with self._s.transaction() as db:
            db.execute(
                f"update outbox set attempts = ?, last_error = ?, next_at = ?, in_flight = ?, "
                f"{RELEASED} where key = ? and state = 'pending'",
                (item.attempts + 1, error[:500], stamp(next_at), int(uncertain), item.key),
            )

    def failed(self, item: OutboxItem, *, error: str, now: datetime) -> None:
        with self._s.transaction() as db:
            db.execute(
                f"update outbox set state = 'failed', attempts = ?, last_error = ?, in_flight = 0, "
                f"{RELEASED} where key = ?",
                (item.attempts + 1, error[:500], item.key),
            )
            audit.append(
                db,
                at=stamp(now),
                event="delivery.failed",
                subject=item.subject,
                actor="system",
                detail={"to": f"{item.platform}:{item.destination}", "error": error[:200]},
            )

    def hold(self, item: OutboxItem, *, reason: str, now: datetime) -> None:
        """Stop: the message may or may not be there and that can't be checked. A person looks
        at the channel and says which (`reports deliveries --posted/--resend`)."""
        with self._s.transaction() as db:
            db.execute(
                f"update outbox set state = 'held', last_error = ?, {RELEASED} where key = ?",
                (reason[:500], item.key),
            )
            audit.append(
                db,
                at=stamp(now),
                event="delivery.held",
                subject=item.subject,
                actor="system",
                detail={"to": f"{item.platform}:{item.destination}", "reason": reason[:200]},
            )

    def release(self, key: str, *, posted: bool, actor: str, now: datetime) -> bool:
        """A person's decision on a held message: it is in the channel (`posted`), or it isn't
        and must be sent. Returns False when no held message has this key."""
        state, event = ("sent", "delivery.confirmed") if posted else ("pending", "delivery.resend")
        with self._s.transaction() as db:
            rows = list(
                db.query("select subject from outbox where key = ? and state = 'held'", (key,))
            )
            if not rows:
                return False
            db.execute(
                "update outbox set state = ?, in_flight = 0, next_at = ?, sent_at = ? "
                "where key = ?",
                (state, stamp(now), stamp(now) if posted else "", key),
            )
            audit.append(
                db,
                at=stamp(now),
                event=event,
                subject=rows[0]["subject"],
                actor=actor,
                detail={"key": key},
            )
        return True

    def note_problems(self, problems: dict[str, list[str]], *, now: datetime) -> None:
        """What the notifiers' start-up checks found (shown by `reports deliveries`)."""
        value = json.dumps({"at": stamp(now), "problems": problems}, ensure_ascii=False)
        with self._s.transaction() as db:
            db["meta"].upsert({"name": "delivery_problems", "value": value}, pk="name")

    def problems(self) -> dict:
        rows = self._s.rows("select value from meta where name = 'delivery_problems'")
        try:
            return json.loads(rows[0]["value"]) if rows else {}
        except ValueError:
            return {}

    def unsettled(self) -> list[dict]:
        """Held, failed and waiting messages (for `reports deliveries`), oldest first."""
        return self._s.rows(
            "select key, subject, purpose, platform, state, attempts, last_error, next_at "
            "from outbox where state in ('held', 'failed', 'pending') order by created_at, key"
        )

    def requeue_failed(self, now: datetime) -> int:
        """On start: try permanently failed messages again (the settings may have been fixed)."""
        with self._s.transaction() as db:
            return db.execute(
                "update outbox set state = 'pending', next_at = ? where state = 'failed'",
                (stamp(now),),
            ).rowcount

    def posted_ref(self, subject: str, platform: str, destination: str) -> str:
        rows = self._s.rows(
            "select posted_ref from outbox where subject = ? and purpose = 'post' and platform = ? "
            "and destination = ? and state = 'sent'",
            (subject, platform, destination),
        )
        return rows[0]["posted_ref"] if rows else ""

    def posts(self, subject: str) -> list[OutboxItem]:
        rows = self._s.rows(
            "select * from outbox where subject = ? and purpose = 'post'", (subject,)
        )
        return [_item(r) for r in rows]

    def attempts(self, key: str) -> int:
        rows = self._s.rows("select attempts from outbox where key = ?", (key,))
        return rows[0]["attempts"] if rows else 0


def _item(row: dict) -> OutboxItem:
    return OutboxItem(
        key=row["key"],
        subject=row["subject"],
        purpose=row["purpose"],
        platform=row["platform"] or "",
        destination=row["destination"] or "",
        attempts=row["attempts"] or 0,
        posted_ref=row["posted_ref"] or "",
        in_flight=bool(row.get("in_flight")),
    )
