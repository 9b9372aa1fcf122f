"""Schema changes as plain registered functions, applied once each, in order, on start.

Append a new function to MIGRATIONS to change the schema; never edit one that has shipped.
Submitted reports and the audit log are insert-only: triggers refuse UPDATE and DELETE, and the
hash chain (bot/records/audit.py) catches anyone who bypasses the triggers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils


def _initial(db: sqlite_utils.Database) -> None:
    db["meta"].create({"name": str, "value": str}, pk="name")
    db["drafts"].create(
        {
            "id": str,
            "user_key": str,
            "platform": str,
            "form": str,
            "status": str,
            "state": str,
            "created_at": str,
            "updated_at": str,
            "turns": int,
            "reminded_turns": int,
            "report_number": str,
        },
        pk="id",
        not_null={"user_key", "form", "status", "state"},
        defaults={"reminded_turns": -1},
    )
    db["drafts"].create_index(["user_key", "status"])
    db["reports"].create(
        {
            "number": str,
            "form": str,
            "user_key": str,
            "platform": str,
            "amends": str,
            "event_at": str,
            "started_at": str,
            "submitted_at": str,
            "delay_seconds": int,
            "policy_revision": str,
            "policy_sha256": str,
            "body": str,
            "row_hash": str,
        },
        pk="number",
        not_null={"form", "user_key", "submitted_at", "body", "row_hash"},
    )
    db["counters"].create({"prefix": str, "year": int, "last": int}, pk=("prefix", "year"))
    db["acknowledgements"].create(
        {"number": str, "by_key": str, "by_name": str, "at": str}, pk="number"
    )
    db["outbox"].create(
        {
            "key": str,
            "subject": str,
            "purpose": str,
            "platform": str,
            "destination": str,
            "state": str,
            "attempts": int,
            "next_at": str,
            "last_error": str,
            "posted_ref": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="key",
        not_null={"subject", "purpose", "state"},
    )
    db["outbox"].create_index(["state", "next_at"])
    db["audit"].create(
        {
            "seq": int,
            "at": str,
            "event": str,
            "subject": str,
            "actor": str,
            "detail": str,
            "prev_hash": str,
            "hash": str,
        },
        pk="seq",
        not_null={"event", "hash"},
    )
    db["prefs"].create({"user_key": str, "name": str, "value": str}, pk=("user_key", "name"))
    db["qa_asked"].create({"ref": str, "user_key": str, "at": str, "result": str}, pk="ref")
    db["qa_asked"].create_index(["user_key", "at"])
    db["qa_feedback"].create(
        {"id": int, "ref": str, "user_key": str, "value": str, "comment": str, "at": str}, pk="id"
    )
    for table in ("reports", "audit"):
        for verb in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
            )


def _outbox_leases(db: sqlite_utils.Database) -> None:
    """A delivery is claimed before it is attempted: `lease_owner` until `lease_until`, so two
    processes on one database never post the same row; `in_flight` says an attempt began whose
    outcome was never learned (a crash, an ambiguous error) — it is checked, not repeated."""
    db.execute("ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE outbox ADD COLUMN lease_until TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE outbox ADD COLUMN in_flight INTEGER NOT NULL DEFAULT 0")


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_initial", _initial),
    ("0002_outbox_leases", _outbox_leases),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded; return the names applied."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for name, function in MIGRATIONS:
        if name in done:
            continue
        with db.atomic():
            function(db)
            db["_migrations"].insert({"name": name, "applied_at": datetime.now(UTC).isoformat()})
        applied.append(name)
    return applied
