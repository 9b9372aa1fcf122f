"""The outbox: every message the bot owes someone, until it has been sent.

A row's key names the report (or draft), the purpose and the destination, so queueing the same
thing twice is a no-op and a restart resumes exactly what was left. The key is also passed to
the Notifier as its idempotency key. Rows hold no content: the message is built at send time.
"""

from __future__ import annotations

from datetime import datetime

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
        """Pending messages for these platforms whose time has come. Another process (the
        console chat on the same database, say) leaves the other platforms' messages alone."""
        if not platforms:
            return []
        marks = ", ".join("?" for _ in platforms)
        rows = self._s.rows(
            f"select * from outbox where state = 'pending' and next_at <= ? and platform in ({marks}) "
            "order by next_at limit ?",
            (stamp(now), *platforms, limit),
        )
        return [_item(r) for r in rows]

    def sent(self, item: OutboxItem, *, posted_ref: str, now: datetime) -> None:
        with self._s.transaction() as db:
            db.execute(
                "update outbox set state = 'sent', posted_ref = ?, sent_at = ?, attempts = ? "
                "where key = ?",
                (posted_ref, stamp(now), item.attempts + 1, item.key),
            )
            if item.purpose in AUDITED:
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

    def retry(self, item: OutboxItem, *, error: str, next_at: datetime) -> None:
        with self._s.transaction() as db:
            db.execute(
                "update outbox set attempts = ?, last_error = ?, next_at = ? where key = ?",
                (item.attempts + 1, error[:500], stamp(next_at), item.key),
            )

    def failed(self, item: OutboxItem, *, error: str, now: datetime) -> None:
        with self._s.transaction() as db:
            db.execute(
                "update outbox set state = 'failed', attempts = ?, last_error = ? where key = ?",
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
    )
