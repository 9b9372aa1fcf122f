"""Open the SQLite file (WAL), run pending migrations, and serialise access across threads.

One connection is shared by the chat thread(s) and the delivery worker; `Storage.transaction()`
takes a lock and opens a transaction, so every unit of work is atomic and never interleaved.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from bot.records.crypto import CHECK_PLAINTEXT, Cipher
from bot.records.errors import RecordsError
from bot.records.migrations import migrate


class Storage:
    def __init__(self, *, db: sqlite_utils.Database, cipher: Cipher) -> None:
        self.db = db
        self.cipher = cipher
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that reads and
        then writes fails at once ("database is locked") when another process (the `reports`
        CLI, a second server) wrote in between; an immediate one waits its turn instead."""
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:  # nested: a savepoint inside the outer transaction
                with self.db.atomic():
                    yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
            else:
                conn.commit()

    def rows(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        with self._lock:
            return list(self.db.query(sql, params))

    def close(self) -> None:
        with self._lock:
            self.db.close()


def open_storage(path: Path, cipher: Cipher) -> Storage:
    """Open (creating if needed) and migrate the database; refuse a key that doesn't match it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():  # owner-only from the first byte; SQLite gives -wal/-shm the same mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    try:
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        db = sqlite_utils.Database(conn)
        db.enable_wal()
        db.execute("PRAGMA synchronous=FULL")  # a submitted report must survive power loss
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise RecordsError(f"cannot open the database {path}: {exc}") from None
    storage = Storage(db=db, cipher=cipher)
    _check_key(storage)
    return storage


def _check_key(storage: Storage) -> None:
    rows = storage.rows("select value from meta where name = 'key_check'")
    if not rows:
        with storage.transaction() as db:
            db["meta"].insert({"name": "key_check", "value": storage.cipher.seal(CHECK_PLAINTEXT)})
        return
    try:
        ok = storage.cipher.open(rows[0]["value"]) == CHECK_PLAINTEXT
    except RecordsError:
        ok = False
    if not ok:
        raise RecordsError(
            "the encryption key does not match this database: set EDC_ENCRYPTION_KEY (or restore "
            "the key file) that was used when the reports were filed"
        )
