"""The bot's own Teams token is fetched on a thread, once per expiry, with a deadline: a stalled
Microsoft login service never blocks the event loop that also serves Slack and /healthz."""

from __future__ import annotations

import asyncio
import threading

import pytest

from handlers.teams.credentials import TokenFirst


class _Credentials:
    """Stands in for the SDK's MicrosoftAppCredentials (its get_access_token is blocking)."""

    def __init__(self, release: threading.Event) -> None:
        self.microsoft_app_id = "app"
        self.release = release
        self.threads: list[int] = []

    def get_access_token(self) -> str:
        self.threads.append(threading.get_ident())
        if not self.release.wait(30):
            raise TimeoutError
        return "token"


class _Factory:
    def __init__(self, credentials) -> None:
        self.credentials = credentials
        self.created = 0

    async def is_valid_app_id(self, app_id: str) -> bool:
        return True

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, *args):
        self.created += 1
        return self.credentials


def test_a_stalled_login_service_fails_the_post_and_leaves_the_loop_free():
    release = threading.Event()
    credentials = _Credentials(release)
    factory = TokenFirst(_Factory(credentials), timeout=0.5)
    ticks = []

    async def scenario():
        async def other_work() -> None:  # what Slack and /healthz would be doing meanwhile
            for _ in range(5):
                await asyncio.sleep(0.01)
                ticks.append(1)

        results = await asyncio.gather(
            factory.create_credentials("app", "scope", "https://login", True),
            other_work(),
            return_exceptions=True,
        )
        return results[0]

    try:
        outcome = asyncio.run(scenario())
        assert isinstance(outcome, ConnectionError)
        assert len(ticks) == 5  # the loop ran while the token fetch hung
        assert credentials.threads and threading.get_ident() not in credentials.threads
    finally:
        release.set()


def test_credentials_are_reused_and_one_fetch_runs_at_a_time():
    release = threading.Event()
    release.set()
    credentials = _Credentials(release)
    inner = _Factory(credentials)
    factory = TokenFirst(inner, timeout=5)

    async def scenario():
        return await asyncio.gather(
            *(factory.create_credentials("app", "scope", "https://login", True) for _ in range(5))
        )

    got = asyncio.run(scenario())
    assert all(c is credentials for c in got)
    assert inner.created == 1  # one MSAL client, whose cache keeps the token until it expires
    assert 1 <= len(credentials.threads) <= 5


@pytest.mark.parametrize("app_id", [""])
def test_local_mode_credentials_fetch_no_token(app_id):
    credentials = _Credentials(threading.Event())
    credentials.microsoft_app_id = app_id
    got = asyncio.run(
        TokenFirst(_Factory(credentials)).create_credentials("", "s", "https://login", True)
    )
    assert got is credentials and credentials.threads == []
