"""The witness file: the highest audit position (and its MAC) this installation has seen,
kept outside the database so that deleting the newest audit entries can be noticed.

Every process that writes the records raises it after each commit (never lowers it: a lock
file serialises the processes). Its content is MAC'd with the audit key, so it can't be forged
by someone without the key; it *can* be deleted or replaced by an older copy by someone who can
write its directory — put it (EDC_AUDIT_WITNESS) where the database's other writers can't, and
compare with the witness line on the newest report card for the strongest check.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
from pathlib import Path

from bot.records.audit import Witness

try:  # POSIX; elsewhere the file is written without a lock (one process per database)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

log = logging.getLogger(__name__)


def witness_file_for(database_path: Path) -> Path:
    return database_path.with_name(database_path.stem + ".witness")


class WitnessFile:
    def __init__(self, *, path: Path, key: bytes) -> None:
        self.path = path
        self._key = key
        self._seen = 0  # the highest seq this process has written
        self.frozen = False  # set when the database contradicts the file: keep the evidence
        self.recreated = False  # it was missing when the records were opened

    def read(self) -> Witness | None:
        """The recorded witness; None when there is no file. ValueError when the file was
        altered (its MAC doesn't hold) or can't be parsed."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            seq, mac, check = int(data["seq"]), str(data["mac"]), str(data["check"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"the witness file {self.path} cannot be read ({exc})") from None
        if not hmac.compare_digest(check, self._check(seq, mac)):
            raise ValueError(f"the witness file {self.path} was altered (its MAC does not hold)")
        return Witness(seq, mac, f"the witness file {self.path}")

    def record(self, head: Witness) -> None:
        """Raise the recorded position to `head` (a lower one is ignored). Never raises: a
        witness that can't be written is logged, the records themselves are unaffected."""
        if self.frozen or head.seq <= self._seen:
            return
        try:
            with self._locked():
                try:
                    current = self.read()
                except ValueError:
                    current = None  # damaged: replaced by the truth from the database
                if current is None or head.seq > current.seq:
                    self._write(head)
            self._seen = head.seq
        except OSError as exc:
            log.error("cannot update the audit witness file %s: %s", self.path, exc)

    def _write(self, head: Witness) -> None:
        content = {"seq": head.seq, "mac": head.mac, "check": self._check(head.seq, head.mac)}
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(content, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _check(self, seq: int, mac: str) -> str:
        message = f"edc audit witness\n{seq}\n{mac}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
