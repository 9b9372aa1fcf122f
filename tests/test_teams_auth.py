"""Who may talk to /api/messages: with app credentials, only requests carrying a valid Bot
Framework token; without them (Emulator local mode), only this machine."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from unittest import mock

import pytest
from aiohttp.test_utils import make_mocked_request

from tests.teams_fake_openid import FakeOpenId
from tests.teams_support import Harness, personal

APP_ID = "00000000-0000-4000-8000-00000000b07e"


@pytest.fixture
def openid():
    fake = FakeOpenId()
    yield fake
    fake.stop()


@pytest.fixture
def authenticated(index, tmp_path, openid):
    harness = Harness(
        index=index,
        tmp_path=tmp_path,
        env={
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "secret",
            "TEAMS_OPENID_METADATA_URL": openid.metadata_url,
            # the fake connector is no Microsoft host: trusted here as an operator would
            "TEAMS_EXTRA_SERVICE_URLS": "{service_url}",
        },
    )
    yield harness
    harness.close()


def _token(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'k1'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer not-a-token",
        "Bearer " + _token({"iss": "https://attacker.example", "aud": APP_ID, "exp": 4102444800}),
    ],
    ids=["no token", "garbage", "foreign issuer"],
)
def test_with_app_credentials_a_request_without_a_valid_token_gets_401(
    authenticated, authorization
):
    headers = {"Authorization": authorization} if authorization else {}
    status, body = authenticated.post(
        personal(authenticated.service_url, "policy"), headers=headers
    )
    assert status == 401
    assert "token" in body["error"]
    assert authenticated.connector.calls == []  # nothing was processed, nothing sent


def test_local_mode_answers_loopback(index, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        harness = Harness(index=index, tmp_path=tmp_path)
    try:
        assert any("local mode" in r.getMessage() for r in caplog.records)
        assert harness.post(personal(harness.service_url, "policy"))[0] == 200
        assert len(harness.connector.sent()) == 1
    finally:
        harness.close()


@pytest.mark.parametrize("peer", ["10.1.2.3", "192.168.0.20", "2001:db8::5"])
def test_local_mode_refuses_other_machines(index, tmp_path, peer):
    harness = Harness(index=index, tmp_path=tmp_path)
    try:
        body = json.dumps(personal(harness.service_url, "policy")).encode()
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda key, default=None: (
            (peer, 40000) if key == "peername" else default
        )

        async def call():
            request = make_mocked_request(
                "POST",
                "/api/messages",
                headers={"Content-Type": "application/json"},
                transport=transport,
                payload=_payload(body),
            )
            return await harness.teams.handler(request)

        response = asyncio.run(call())
        assert response.status == 401
        assert harness.connector.calls == []
    finally:
        harness.close()


def test_loopback_detection():
    from handlers.teams.server import _is_loopback

    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("::ffff:127.0.0.1")
    assert not _is_loopback("10.0.0.1") and not _is_loopback(None) and not _is_loopback("")


def _payload(body: bytes):
    from aiohttp import streams

    protocol = mock.Mock(_reading_paused=False)
    stream = streams.StreamReader(protocol, limit=2**16, loop=asyncio.get_running_loop())
    stream.feed_data(body)
    stream.feed_eof()
    return stream
