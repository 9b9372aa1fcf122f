"""Open the SQLite file (WAL), run pending migrations, and serialise access across threads.

One connection is shared by the chat thread(s) and the delivery worker; `Storage.transaction()`
takes a lock and opens a transaction, so every unit of work is atomic and never interleaved.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from bot.records import audit
from bot.records.crypto import CHECK_PLAINTEXT, Cipher, load_cipher
from bot.records.errors import RecordsError
from bot.records.migrations import migrate
from bot.records.witness import WitnessFile, witness_file_for

log = logging.getLogger(__name__)


class Storage:
    def __init__(
        self, *, db: sqlite_utils.Database, cipher: Cipher, witness: WitnessFile | None = None
    ) -> None:
        self.db = db
        self.db.audit_key = cipher.audit_key  # audit.append finds it beside the connection
        self.cipher = cipher
        self.witness = witness
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
                self._witness_head()

    def _witness_head(self) -> None:
        """After a commit: raise the witness file to the chain's head (outside the database)."""
        if self.witness is None:
            return
        try:
            head = audit.head(self.db)
        except sqlite3.Error:
            return
        if head is not None:
            self.witness.record(head)

    def rows(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        with self._lock:
            return list(self.db.query(sql, params))

    def close(self) -> None:
        with self._lock:
            self.db.close()


def open_storage(
    path: Path, *, key: str = "", create: bool = True, witness_path: Path | None = None
) -> Storage:
    """Open and migrate the database at `path` (created only when `create`); refuse a key that
    doesn't match it, and a database that holds records but whose key is missing. Every
    problem is a one-line RecordsError naming the path."""
    conn = _connect(path, create=create)
    try:
        db = sqlite_utils.Database(conn)
        cipher = load_cipher(key=key, database_path=path, may_create=not _holds_records(db))
        db.enable_wal()
        db.execute("PRAGMA synchronous=FULL")  # a submitted report must survive power loss
        migrate(db)
        storage = Storage(db=db, cipher=cipher)
        _check_key(storage)
        _key_the_audit(storage, witness_path or witness_file_for(path))
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise RecordsError(f"cannot use the database {path}: {exc}") from None
    except BaseException:
        conn.close()
        raise
    return storage


def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    if path.is_dir():
        raise RecordsError(f"the database path {path} is a directory, not a database file")
    if not path.exists():
        if not create:
            raise RecordsError(
                f"there is no database at {path} (DATABASE_PATH): nothing was filed there yet, "
                "or DATABASE_PATH points to the wrong place"
            )
        try:  # owner-only from the first byte; SQLite gives -wal/-shm the same mode
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as exc:
            raise RecordsError(
                f"cannot create the database {path}: {exc.strerror or exc}"
            ) from None
    try:
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        conn.execute("select count(*) from sqlite_master").fetchone()  # not SQLite: fails here
    except sqlite3.DatabaseError as exc:
        raise RecordsError(f"{path} is not a usable SQLite database: {exc}") from None
    return conn


def _holds_records(db: sqlite_utils.Database) -> bool:
    """Whether anything in the database was written with a key (then no new key may be made)."""
    tables = set(db.table_names())
    if "meta" in tables and list(db.query("select 1 from meta where name = 'key_check'")):
        return True
    return any(
        list(db.query(f"select 1 from [{table}] limit 1"))
        for table in ("reports", "drafts", "acknowledgements", "prefs")
        if table in tables
    )


def _key_the_audit(storage: Storage, witness_path: Path) -> None:
    """Key a legacy chain (once), attach the witness file, and say at once when the database's
    chain is shorter than the witness recorded (its newest entries were deleted)."""
    witness = WitnessFile(path=witness_path, key=storage.cipher.audit_key)
    try:
        with storage.transaction() as db:
            if audit.upgrade(db, at=datetime.now(UTC).isoformat(timespec="seconds")):
                log.warning("the audit log was keyed: earlier entries are kept as a legacy chain")
    except sqlite3.OperationalError as exc:  # the audit table itself is gone: let verify say so
        witness.frozen = True
        log.error("the audit log cannot be read (%s); run: python app.py reports verify", exc)
    storage.witness = witness
    if witness.frozen:
        return
    try:
        seen = storage.witness.read()
    except ValueError as exc:
        log.error("%s; run: python app.py reports verify", exc)
        seen = None
    if seen is None and audit.head(storage.db) is not None:
        storage.witness.recreated = True
        log.warning("the audit witness file %s was missing; recreated", storage.witness.path)
    conflict = _witness_conflict(storage, seen) if seen is not None else ""
    if conflict:
        # Keep the evidence: the witness is not moved until someone has looked (reports verify).
        storage.witness.frozen = True
        log.error("%s; run: python app.py reports verify", conflict)
        return
    storage._witness_head()


def _witness_conflict(storage: Storage, seen: audit.Witness) -> str:
    head = audit.head(storage.db)
    if head is None or seen.seq > head.seq:
        return (
            f"the audit log ends at entry {head.seq if head else 0} but the witness file saw "
            f"entry {seen.seq}: entries were deleted"
        )
    rows = storage.rows("select hash from audit where seq = ?", (seen.seq,))
    if not rows or not seen.matches(str(rows[0]["hash"])):
        return f"audit entry {seen.seq} is not the one the witness file saw: it was replaced"
    return ""


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
            f"the encryption key ({storage.cipher.source}) does not match this database: set "
            "EDC_ENCRYPTION_KEY (or restore the key file) that was used when the reports were filed"
        )
