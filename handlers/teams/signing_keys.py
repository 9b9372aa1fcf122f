"""The Bot Framework's token signing keys: fetched off the event loop, with a deadline, cached.

The keys are published as OpenID metadata (TEAMS_OPENID_METADATA_URL) whose `jwks_uri` lists
them. The SDK fetches them with a blocking call and no timeout on the server's only event loop:
a stalled Microsoft endpoint then stalled Slack and /healthz too. Here a fetch runs on its own
thread with a deadline; requests wait for it a few seconds at most and are answered 503 when it
is not there; the keys, once fetched, are kept (refreshed in the background every day, and at
most every few minutes when a token names a key we don't have).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import urllib.request
from concurrent.futures import Future
from dataclasses import dataclass

log = logging.getLogger(__name__)

FETCH_SECONDS = 10.0  # one whole fetch (metadata and keys), however slowly the server answers
WAIT_SECONDS = 3.0  # how long a request may wait for a fetch under way
REFRESH_SECONDS = 24 * 3600.0  # keys older than this are refreshed in the background
RETRY_SECONDS = 30.0  # after a failed fetch, requests fail at once (503) this long
UNKNOWN_KEY_SECONDS = 300.0  # a token naming an unknown key triggers a refresh at most this often
MAX_DOCUMENT = 1024 * 1024


class KeysUnavailable(Exception):
    """The signing keys could not be fetched (now): the request can't be verified; 503."""


@dataclass(frozen=True)
class SigningKey:
    key: object  # a cryptography RSA public key
    endorsements: tuple[str, ...]  # channel IDs this key may sign for (empty: any)


@dataclass(frozen=True)
class KeySet:
    issuer: str
    algorithms: tuple[str, ...]
    keys: dict[str, SigningKey]
    fetched_at: float  # time.monotonic()


class SigningKeys:
    def __init__(self, metadata_url: str, *, fetch_seconds: float = FETCH_SECONDS) -> None:
        self.metadata_url = metadata_url
        self._fetch_seconds = fetch_seconds
        self._lock = threading.Lock()
        self._current: KeySet | None = None
        self._pending: Future | None = None
        self._pending_since = 0.0
        self._failed_at = -RETRY_SECONDS
        self._error = ""

    def start(self) -> None:
        """Fetch the keys in the background now, so the first request finds them."""
        self._refresh()

    async def get(self, key_id: str) -> tuple[KeySet, SigningKey | None]:
        """The key set and the key named `key_id` (None: no such key). Never blocks the loop
        for more than WAIT_SECONDS; raises KeysUnavailable when there are no keys to use."""
        current = self._current
        now = time.monotonic()
        if current is not None and key_id in current.keys:
            if now - current.fetched_at > REFRESH_SECONDS:
                self._refresh()  # in the background; the cached key serves meanwhile
            return current, current.keys[key_id]
        if current is not None and now - current.fetched_at < UNKNOWN_KEY_SECONDS:
            return current, None  # refreshed recently: the key really is unknown
        future = self._refresh()
        if future is None or (self._error and current is None):
            # the last fetch failed: answer now, while a retry (if any) runs in the background
            raise KeysUnavailable(self._error or "the signing keys could not be fetched")
        waited = now - self._pending_since
        try:
            # shield: a request giving up must not cancel the fetch other requests share
            await asyncio.wait_for(
                asyncio.shield(asyncio.wrap_future(future)), max(0.0, WAIT_SECONDS - waited)
            )
        except TimeoutError:
            raise KeysUnavailable("the signing key endpoint is not answering") from None
        except Exception as exc:  # the fetch failed: its message says how
            raise KeysUnavailable(str(exc)) from None
        current = self._current
        return current, current.keys.get(key_id)

    def health(self) -> str | None:
        """None when the keys are at hand; otherwise what is wrong, for /healthz."""
        with self._lock:
            stalled = self._pending is not None and (
                time.monotonic() - self._pending_since > WAIT_SECONDS
            )
            if self._current is not None and not self._error:
                return None
            if stalled:
                return "Teams signing keys: the key endpoint is not answering"
            if self._error:
                return f"Teams signing keys: {self._error}"
            return None  # the first fetch is under way

    def _refresh(self) -> Future | None:
        """The fetch under way, or a new one; None right after a failure (RETRY_SECONDS)."""
        with self._lock:
            if self._pending is not None:
                return self._pending
            now = time.monotonic()
            if self._error and now - self._failed_at < RETRY_SECONDS:
                return None
            future: Future = Future()
            self._pending, self._pending_since = future, now
        threading.Thread(
            target=self._fetch_into, args=(future,), name="teams-signing-keys", daemon=True
        ).start()
        return future

    def _fetch_into(self, future: Future) -> None:
        try:
            keys = fetch_key_set(self.metadata_url, deadline=time.monotonic() + self._fetch_seconds)
        except Exception as exc:  # noqa: BLE001 — any failure: keep the old keys, report it
            message = f"could not fetch them from {self.metadata_url}: {exc}"
            with self._lock:
                self._error, self._failed_at, self._pending = message, time.monotonic(), None
            log.warning("Teams signing keys: %s", message)
            future.set_exception(KeysUnavailable(message))
            return
        with self._lock:
            self._current, self._error, self._pending = keys, "", None
        future.set_result(keys)


def fetch_key_set(metadata_url: str, *, deadline: float) -> KeySet:
    """The OpenID metadata, then its `jwks_uri`; raises on any failure or past `deadline`."""
    from jwt.algorithms import RSAAlgorithm

    metadata = _get_json(metadata_url, deadline)
    jwks = _get_json(str(metadata["jwks_uri"]), deadline)
    keys = {}
    for jwk in jwks.get("keys") or []:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or not jwk.get("kid"):
            continue
        endorsements = tuple(str(e) for e in jwk.get("endorsements") or [])
        keys[str(jwk["kid"])] = SigningKey(RSAAlgorithm.from_jwk(json.dumps(jwk)), endorsements)
    if not keys:
        raise ValueError("the key document lists no RSA keys")
    algorithms = tuple(metadata.get("id_token_signing_alg_values_supported") or ("RS256",))
    return KeySet(str(metadata["issuer"]), algorithms, keys, time.monotonic())


def _get_json(url: str, deadline: float) -> dict:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("timed out")
    with urllib.request.urlopen(url, timeout=remaining) as response:  # noqa: S310 — configured
        chunks, size = [], 0
        while chunk := response.read1(65536):
            size += len(chunk)
            if size > MAX_DOCUMENT or time.monotonic() > deadline:
                raise ValueError("the document is too large or too slow")
            chunks.append(chunk)
    document = json.loads(b"".join(chunks))
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    return document
