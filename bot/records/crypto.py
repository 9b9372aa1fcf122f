"""Encryption at rest for everything staff typed: Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from EDC_ENCRYPTION_KEY or, when that is unset, from a key file beside the
database. A key file is created only for a brand-new database: a database that already holds
records and has no key is refused with a message naming where the key was looked for — a new
key would make every stored report unreadable. A database opened with the wrong key is
refused at start-up (a check token is stored in the database), not found out mid-report.

The audit log's MAC key is derived from the encryption key (HKDF with its own label), so it is
never stored anywhere and is not the encryption key itself.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.records.errors import RecordsError

log = logging.getLogger(__name__)
CHECK_PLAINTEXT = "edc-key-check"
AUDIT_KEY_LABEL = b"edc-policy-bot audit chain v1"
GENERATE_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)
ENV_NAME = "EDC_ENCRYPTION_KEY"


class Cipher:
    def __init__(self, *, key: bytes, source: str = ENV_NAME) -> None:
        try:
            self._fernet = Fernet(key)
            raw = base64.urlsafe_b64decode(key)
        except (ValueError, TypeError, binascii.Error):
            raise RecordsError(
                f"{source} is not a valid key (44 characters of URL-safe base64); {GENERATE_HINT}"
            ) from None
        self.source = source
        self.audit_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=AUDIT_KEY_LABEL
        ).derive(raw)

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        """Decrypt; raises RecordsError if the token was altered or sealed with another key."""
        try:
            return self._fernet.decrypt(str(token).encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError, TypeError, UnicodeError):
            raise RecordsError(
                "a stored value cannot be decrypted (altered, or another key)"
            ) from None


def key_file_for(database_path: Path) -> Path:
    return database_path.with_name(database_path.stem + ".key")


def load_cipher(*, key: str, database_path: Path, may_create: bool = True) -> Cipher:
    """The configured key, else the key file beside the database. The file is created only
    when `may_create` (a brand-new database); otherwise a missing key is a RecordsError."""
    if key:
        return Cipher(key=key.encode("ascii", "replace"))
    path = key_file_for(database_path)
    if path.exists() or not may_create:
        return Cipher(key=_read_key_file(path, database_path), source=f"the key file {path}")
    return Cipher(key=_create_key_file(path), source=f"the key file {path}")


def _read_key_file(path: Path, database_path: Path) -> bytes:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        data = path.read_bytes().strip()
    except FileNotFoundError:
        raise RecordsError(
            f"the database {database_path} holds encrypted records but no key was found: "
            f"{ENV_NAME} is unset and there is no key file {path}; restore the key file (or set "
            f"{ENV_NAME}) that was used when the reports were filed — no new key is created"
        ) from None
    except OSError as exc:
        raise RecordsError(f"cannot read the key file {path}: {exc.strerror or exc}") from None
    if mode & 0o077:
        log.warning("key file %s is readable by others (mode %o); chmod 600 it", path, mode)
    return data


def _create_key_file(path: Path) -> bytes:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it a moment ago: use theirs
        return _read_key_file(path, path)
    except OSError as exc:
        raise RecordsError(f"cannot create the key file {path}: {exc.strerror or exc}") from None
    key = Fernet.generate_key()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    log.info(
        "created encryption key file %s (back it up: without it the reports are unreadable)", path
    )
    return key
