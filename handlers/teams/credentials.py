"""The bot's own token for posting to Teams: fetched off the event loop, with a deadline, reused.

The SDK makes a new credentials object — so a new MSAL client with an empty token cache — for
every connector it creates, and the token is then fetched inside the HTTP call, on the event
loop, with no timeout: every reply cost a blocking round trip to Microsoft's login service, and a
stalled login service stalled the whole server, Slack included. Here one credentials object per
(app, scope, login endpoint) is kept, and its token is fetched on a thread first, one fetch at a
time, waited for at most TOKEN_SECONDS; the SDK's own call then finds it in MSAL's cache. A
fetch that fails fast (wrong password, no route) is left for the SDK's call to report as before.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future

from botframework.connector.auth import ServiceClientCredentialsFactory

log = logging.getLogger(__name__)

TOKEN_SECONDS = 10.0


class TokenFirst(ServiceClientCredentialsFactory):
    """Wraps the SDK's credentials factory (e.g. ConfigurationServiceClientCredentialFactory)."""

    def __init__(self, inner: ServiceClientCredentialsFactory, *, timeout: float = TOKEN_SECONDS):
        self._inner = inner
        self._timeout = timeout
        self._credentials: dict[tuple, object] = {}
        self._fetching: dict[tuple, Future] = {}
        self._lock = threading.Lock()

    async def is_valid_app_id(self, app_id: str) -> bool:
        return await self._inner.is_valid_app_id(app_id)

    async def is_authentication_disabled(self) -> bool:
        return await self._inner.is_authentication_disabled()

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ):
        key = (app_id, oauth_scope, login_endpoint, validate_authority)
        credentials = self._credentials.get(key)
        if credentials is None:
            credentials = await self._inner.create_credentials(
                app_id, oauth_scope, login_endpoint, validate_authority
            )
            self._credentials[key] = credentials
        if getattr(credentials, "microsoft_app_id", ""):  # none: local mode, no token to get
            await self._token(key, credentials)
        return credentials

    async def _token(self, key: tuple, credentials) -> None:
        with self._lock:
            future = self._fetching.get(key)
            if future is None or future.done():
                future = Future()
                self._fetching[key] = future
                threading.Thread(
                    target=_fetch, args=(credentials, future), name="teams-token", daemon=True
                ).start()
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self._timeout)
        except TimeoutError:
            raise ConnectionError("Microsoft's login service did not answer in time") from None
        except Exception as exc:  # noqa: BLE001 — failed fast: the SDK's own call reports it
            log.warning("Teams: could not get the bot's token: %s", exc)


def _fetch(credentials, future: Future) -> None:
    try:
        future.set_result(credentials.get_access_token())
    except Exception as exc:  # noqa: BLE001 — handed to whoever waits, e.g. a wrong password
        future.set_exception(exc)
