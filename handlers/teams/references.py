"""What Teams needs remembered across restarts, in three small tables of the records database.

- where to post proactively: the supervisor channel registered by an admin, and each user's
  personal chat with the bot (a proactive message needs service URL, conversation and tenant);
- where each user was last seen (service URL, tenant), to open a personal chat with them;
- which report messages were already posted (idempotency key → posted activity), so asking
  to post the same report twice returns the first post instead of a duplicate.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

SUPERVISOR = "supervisor"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS teams_conversations (
    key TEXT PRIMARY KEY, service_url TEXT NOT NULL, conversation_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL DEFAULT '', registered_by TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS teams_users (
    user_id TEXT PRIMARY KEY, aad_object_id TEXT NOT NULL DEFAULT '', service_url TEXT NOT NULL,
    tenant_id TEXT NOT NULL DEFAULT '', updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS teams_posts (
    key TEXT PRIMARY KEY, posted TEXT NOT NULL, created_at REAL NOT NULL);
"""


@dataclass(frozen=True)
class Target:
    """A conversation the bot can post into without being asked (a conversation reference)."""

    service_url: str
    conversation_id: str
    tenant_id: str = ""


@dataclass(frozen=True)
class PostedActivity:
    """A message the bot posted: enough to update it later (the Acknowledge card)."""

    service_url: str
    conversation_id: str
    activity_id: str

    def to_ref(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_ref(cls, ref: str) -> PostedActivity:
        """Raises ValueError for a ref this adapter did not write."""
        try:
            data = json.loads(ref)
            return cls(data["service_url"], data["conversation_id"], data["activity_id"])
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"not a Teams message reference: {ref!r}") from None


class ReferenceStore:
    """On its own connection to `path`, or — preferred when the records are open in the same
    process — on the records' Storage (`storage=`), sharing its connection and lock: two
    connections writing one WAL database can make the other's read-then-write transaction
    fail with "database is locked"."""

    def __init__(self, path: Path | str | None = None, *, storage=None) -> None:
        self._storage = storage
        self._lock = threading.RLock()
        self._db = None
        if storage is None:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        for statement in filter(str.strip, _SCHEMA.split(";")):
            self._write(statement)

    def close(self) -> None:
        if self._db is not None:
            with self._lock:
                self._db.close()

    def _write(self, sql: str, params: tuple = ()) -> None:
        if self._storage is not None:
            with self._storage.transaction() as db:
                db.execute(sql, params)
            return
        with self._lock, self._db:
            self._db.execute(sql, params)

    def _read(self, sql: str, params: tuple = ()) -> tuple | None:
        if self._storage is not None:
            rows = self._storage.rows(sql, params)
            return tuple(rows[0].values()) if rows else None
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    # ---- conversations ----
    def save_conversation(self, key: str, target: Target, *, registered_by: str = "") -> None:
        self._write(
            "INSERT OR REPLACE INTO teams_conversations VALUES (?, ?, ?, ?, ?, ?)",
            (
                key,
                target.service_url,
                target.conversation_id,
                target.tenant_id,
                registered_by,
                time.time(),
            ),
        )

    def conversation(self, key: str) -> Target | None:
        row = self._read(
            "SELECT service_url, conversation_id, tenant_id FROM teams_conversations WHERE key = ?",
            (key,),
        )
        return Target(*row) if row else None

    def supervisor(self) -> Target | None:
        return self.conversation(SUPERVISOR)

    def personal(self, user_id: str) -> Target | None:
        return self.conversation(f"user:{user_id}")

    def save_personal(self, user_id: str, target: Target) -> None:
        self.save_conversation(f"user:{user_id}", target)

    # ---- users ----
    def saw_user(
        self, user_id: str, *, aad_object_id: str, service_url: str, tenant_id: str
    ) -> None:
        self._write(
            "INSERT OR REPLACE INTO teams_users VALUES (?, ?, ?, ?, ?)",
            (user_id, aad_object_id or "", service_url, tenant_id or "", time.time()),
        )

    def user(self, user_id: str) -> Target | None:
        """Where the user was last seen: service URL and tenant (conversation_id left empty)."""
        row = self._read(
            "SELECT service_url, tenant_id FROM teams_users WHERE user_id = ? OR aad_object_id = ?",
            (user_id, user_id),
        )
        return Target(row[0], "", row[1]) if row else None

    # ---- posts ----
    def posted(self, key: str) -> str | None:
        row = self._read("SELECT posted FROM teams_posts WHERE key = ?", (key,))
        return row[0] if row else None

    def remember_post(self, key: str, posted: str) -> None:
        self._write(
            "INSERT OR IGNORE INTO teams_posts VALUES (?, ?, ?)", (key, posted, time.time())
        )
