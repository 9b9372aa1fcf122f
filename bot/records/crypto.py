"""Encryption at rest for everything staff typed: Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from EDC_ENCRYPTION_KEY or, when that is unset, from a key file beside the
database, created on first start with owner-only permissions. A database opened with the wrong
key is refused at start-up (a check token is stored in the database), not found out mid-report.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from bot.records.errors import RecordsError

log = logging.getLogger(__name__)
CHECK_PLAINTEXT = "edc-key-check"
GENERATE_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


class Cipher:
    def __init__(self, *, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise RecordsError(
                f"EDC_ENCRYPTION_KEY is not a valid Fernet key; {GENERATE_HINT}"
            ) from None

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        """Decrypt; raises RecordsError if the token was altered or sealed with another key."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError, UnicodeError):
            raise RecordsError(
                "a stored value cannot be decrypted (altered, or another key)"
            ) from None


def key_file_for(database_path: Path) -> Path:
    return database_path.with_name(database_path.stem + ".key")


def load_cipher(*, key: str, database_path: Path) -> Cipher:
    """The configured key, else the key file beside the database (created if missing)."""
    if key:
        return Cipher(key=key.encode("ascii", "replace"))
    return Cipher(key=_key_file(key_file_for(database_path)))


def _key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("key file %s is readable by others (mode %o); chmod 600 it", path, mode)
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    log.info(
        "created encryption key file %s (back it up: without it the reports are unreadable)", path
    )
    return key
