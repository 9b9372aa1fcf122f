"""The HTTP edge refuses what it can't trust or read, cheaply and in plain words: a Slack request
is checked before its body is parsed; malformed input is 4xx, never 500; Teams tokens are
verified on keys fetched off the event loop; /healthz names a stuck dependency."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.slack_support import (
    FORM,
    JSON,
    SIGNING_SECRET,
    command_body,
    event_body,
    post,
    raw_status,
    serve_app,
    sign,
    stop_app,
)
from tests.teams_fake_openid import FakeOpenId
from tests.teams_support import Harness, bot_added, personal
from tests.waiting import wait_until

APP_ID = "00000000-0000-4000-8000-00000000b07e"


@pytest.fixture(scope="module")
def slack(index):
    served = serve_app(index)
    yield served
    stop_app(served)


def _raw(url: str, body: bytes, headers: dict, method: str = "POST") -> tuple[int, dict | str]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


# ---- Slack: headers first, then the signature, then parsing ------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "", "1e9", "-5", "12345678901234567890", "1700000000.5", " 1700000000", "0x10"],
)
def test_a_malformed_slack_timestamp_is_401_not_500(slack, timestamp):
    body = command_body("policy")
    headers = {**sign(body), "X-Slack-Request-Timestamp": timestamp, "Content-Type": FORM}
    status, answer = _raw(slack.url, body.encode(), headers)
    assert status == 401
    assert "timestamp" in answer["error"].lower() or "signature" in answer["error"].lower()


def test_replayed_and_future_timestamps_are_refused(slack):
    body = command_body("policy")
    for moment in (time.time() - 301, time.time() + 301, 0):
        status, _, _ = post(
            slack.url, body, content_type=FORM, signed=False, headers=sign(body, timestamp=moment)
        )
        assert status == 401


def test_duplicate_signature_headers_are_refused(slack):
    body = command_body("policy").encode()
    good = sign(body.decode())
    request = (
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\n"
        f"X-Slack-Request-Timestamp: {good['X-Slack-Request-Timestamp']}\r\n"
        f"X-Slack-Signature: v0={'0' * 64}\r\nX-Slack-Signature: {good['X-Slack-Signature']}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    assert raw_status(slack.url, request) == 401


def test_an_unsigned_body_is_refused_before_it_is_read(slack):
    """Content-Length says 50 MB and nothing follows: the answer comes at once."""
    request = (
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\n"
        "Content-Length: 52428800\r\n\r\n"
    ).encode()
    assert raw_status(slack.url, request) == 401


def test_a_signed_body_over_the_limit_is_413(slack):
    body = "text=" + "a" * (1024 * 1024 + 10)
    status, _, _ = post(slack.url, body, content_type=FORM)
    assert status == 413


SIGNED_GARBAGE = [
    (FORM, "payload=%7Bnot+json"),
    (FORM, "payload=%5B1%2C2%5D"),  # a JSON array
    (FORM, "payload=1&payload=2"),
    (FORM, "payload=" + urllib.parse.quote("[" * 50_000 + "]" * 50_000)),
    (FORM, "&".join(f"f{i}=1" for i in range(5000))),
    (JSON, "{not json"),
    (JSON, "[]"),
    (JSON, '"a string"'),
    (JSON, "[" * 100_000 + "]" * 100_000),
    (JSON, '{"type": "event_callback", "event": "not an object"}'),
    (JSON, '{"type": "event_callback", "event": {"type": "message", "user": 5, "text": []}}'),
    (JSON, '{"type": "event_callback", "event": {"type": "app_mention", "text": null}}'),
    (FORM, "payload=" + urllib.parse.quote('{"type": "block_actions", "actions": "x"}')),
    (FORM, "payload=" + urllib.parse.quote('{"type": "block_actions", "actions": [5]}')),
    (FORM, "payload=" + urllib.parse.quote('{"type": "view_submission", "view": 7}')),
    ("text/plain", "hello"),
    ("application/xml", "<a/>"),
]


@pytest.mark.parametrize("content_type,body", SIGNED_GARBAGE, ids=range(len(SIGNED_GARBAGE)))
def test_signed_but_malformed_bodies_are_4xx_never_500(slack, content_type, body):
    status, _, _ = post(slack.url, body, content_type=content_type)
    assert 400 <= status < 500, status


def test_invalid_utf8_signed_body_is_400(slack):
    body = b"command=/edc&text=\xff\xfe"
    timestamp = str(int(time.time()))
    import hashlib
    import hmac

    digest = hmac.new(
        SIGNING_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    assert _raw(slack.url, body, headers)[0] == 400


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    ["type", "event", "user", "text", "channel", "actions", "view", "team", "ts"]
                ),
                inner,
                max_size=6,
            )
        ),
        max_leaves=20,
    )
)
def test_any_signed_json_shape_is_answered_without_a_500(slack, payload):
    event = {"type": "event_callback", "event": payload, "event_id": "Ev-fuzz"}
    for body, content_type in (
        (json.dumps(event), JSON),
        (urllib.parse.urlencode({"payload": json.dumps(payload)}), FORM),
    ):
        status, _, _ = post(slack.url, body, content_type=content_type)
        assert status < 500, (status, body)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_other_methods_are_405(slack, method):
    request = urllib.request.Request(slack.url, data=b"", method=method)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 405
    assert refused.value.headers["Allow"] == "POST"


def test_a_genuine_request_still_works(slack):
    status, _, _ = slack.command("policy")
    assert status == 200
    assert slack.fake.wait_for("response_url")
    assert post(slack.url, event_body({"type": "app_home_opened"}), content_type=JSON)[0] == 200


# ---- Teams: malformed activities, and tokens on keys fetched off the loop -----------------------


@pytest.fixture(scope="module")
def local(index, tmp_path_factory):
    harness = Harness(index=index, tmp_path=tmp_path_factory.mktemp("local"))
    yield harness
    harness.close()


@pytest.mark.parametrize(
    "content_type,body,expected",
    [
        ("application/json", b"{not json", 400),
        ("application/json", b"[]", 400),
        ("application/json", b"[" * 100_000 + b"]" * 100_000, 400),
        ("application/json", b'{"type": "message"}', 400),  # no serviceUrl, no conversation
        ("application/json", b'{"type": 5, "serviceUrl": "http://127.0.0.1:9/"}', 400),
        ("application/json", b'{"type": "message", "conversation": "x"}', 400),
        ("application/json", b"\xff\xfe", 400),
        ("text/plain", b"{}", 415),
        ("application/json", b"{" + b" " * (300 * 1024) + b"}", 413),
    ],
)
def test_malformed_activities_are_4xx(local, content_type, body, expected):
    status, answer = _raw(local.server.url, body, {"Content-Type": content_type})
    assert status == expected
    assert local.connector.calls == []


def test_odd_activity_fields_are_4xx_or_handled(local):
    base = personal(local.service_url, "policy")
    for field, value in [
        ("from", "x"),
        ("from", {"id": 5}),
        ("text", {"a": 1}),
        ("conversation", {"id": ["x"]}),
        ("entities", "x"),
        ("value", [1]),
        ("channelData", "x"),
        ("attachments", {"a": 1}),
    ]:
        status, _ = local.post({**base, field: value})
        assert status < 500, (field, value, status)


@pytest.fixture
def openid():
    fake = FakeOpenId()
    yield fake
    fake.stop()


def _authenticated(index, tmp_path, openid, **env) -> Harness:
    return Harness(
        index=index,
        tmp_path=tmp_path,
        env={
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "secret",
            "TEAMS_OPENID_METADATA_URL": openid.metadata_url,
            "TEAMS_EXTRA_SERVICE_URLS": "{service_url}",
            **env,
        },
    )


def test_a_valid_bot_framework_token_is_accepted(index, tmp_path, openid):
    harness = _authenticated(index, tmp_path, openid)
    try:
        activity = bot_added(harness.service_url)
        activity["membersAdded"] = [{"id": "29:someone-else"}]  # nothing to say: no reply
        token = openid.token(app_id=APP_ID, service_url=harness.service_url)
        status, _ = harness.post(activity, headers={"Authorization": f"Bearer {token}"})
        assert status == 200
    finally:
        harness.close()


def test_forged_and_misdirected_tokens_are_401(index, tmp_path, openid):
    from cryptography.hazmat.primitives.asymmetric import rsa

    harness = _authenticated(index, tmp_path, openid)
    url = harness.service_url
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tokens = {
        "another bot": openid.token(app_id="11111111-0000-4000-8000-000000000000", service_url=url),
        "expired": openid.token(app_id=APP_ID, service_url=url, exp=int(time.time()) - 3600),
        "not yet valid": openid.token(app_id=APP_ID, service_url=url, nbf=int(time.time()) + 3600),
        "another serviceUrl": openid.token(app_id=APP_ID, service_url="https://x.example/"),
        "no serviceurl claim": openid.token(app_id=APP_ID, service_url=None),
        "foreign issuer": openid.token(app_id=APP_ID, service_url=url, iss="https://evil.example"),
        "foreign key": openid.token(app_id=APP_ID, service_url=url, key=other_key),
        "no exp": openid.token(app_id=APP_ID, service_url=url, exp=None),
    }
    try:
        for name, token in tokens.items():
            activity = personal(url, "policy")
            status, _ = harness.post(activity, headers={"Authorization": f"Bearer {token}"})
            assert status == 401, name
        unendorsed = personal(url, "policy")
        unendorsed["channelId"] = "webchat"
        token = openid.token(app_id=APP_ID, service_url=url)
        assert harness.post(unendorsed, headers={"Authorization": f"Bearer {token}"})[0] == 401
        assert harness.connector.calls == []
    finally:
        harness.close()


def test_unsigned_and_symmetric_tokens_are_401(index, tmp_path, openid):
    """alg "none", and HS256 keyed with the public key (the classic RS/HS confusion)."""
    import base64
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import serialization

    def part(data) -> bytes:
        raw = data if isinstance(data, bytes) else json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    harness = _authenticated(index, tmp_path, openid)
    url = harness.service_url
    claims = {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": url}
    claims["exp"] = int(time.time()) + 600
    public_pem = openid.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    unsigned = part({"alg": "none", "kid": "fake-key-1"}) + b"." + part(claims) + b"."
    signing_input = part({"alg": "HS256", "kid": "fake-key-1"}) + b"." + part(claims)
    mac = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    try:
        for token in (unsigned, signing_input + b"." + part(mac)):
            status, _ = harness.post(
                personal(url, "policy"), headers={"Authorization": "Bearer " + token.decode()}
            )
            assert status == 401
        assert harness.connector.calls == []
    finally:
        harness.close()


def test_a_stalled_key_endpoint_fails_teams_fast_and_leaves_slack_and_health_answering(
    index, tmp_path, openid
):
    """The key endpoint accepts and never answers: Teams requests get 503 (not a hang), Slack
    and /healthz keep answering on the same server, and /healthz says what is stuck."""
    from handlers.http_server import build_web_app
    from tests.slack_support import LoopThread, start_site

    openid.stall()
    harness = _authenticated(index, tmp_path, openid)
    slack = serve_app(index)
    loop = LoopThread()
    app = build_web_app(
        slack_config_for(slack),
        slack=slack.adapter,
        extra_routes=harness.teams.routes,
        health_checks=[harness.teams.health],
    )
    runner, port = loop.run(start_site(app))
    base = f"http://127.0.0.1:{port}"
    try:
        token = openid.token(app_id=APP_ID, service_url=harness.service_url)
        status, body = _raw(
            base + "/api/messages",
            json.dumps(personal(harness.service_url, "policy")).encode(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        assert status == 503
        assert "try again" in body["error"]
        status, _, _ = post(
            base + "/slack/events",
            command_body("policy", response_url=slack.fake.response_url()),
            content_type=FORM,
        )
        assert status == 200
        assert slack.fake.wait_for("response_url")

        def health() -> dict:
            status, answer = _raw(base + "/healthz", b"", {}, method="GET")
            assert status == 200
            return answer

        wait_until(lambda: health()["status"] == "degraded")
        state = health()
        assert state["status"] == "degraded"
        assert any("signing keys" in p for p in state["problems"])
    finally:
        loop.run(runner.cleanup())
        loop.stop()
        stop_app(slack)
        harness.close()


def slack_config_for(served):
    from tests.slack_support import slack_config

    return slack_config(served.fake.api_url)


def test_health_is_ok_when_nothing_is_stuck(slack):
    status, health = _raw(slack.url.replace("/slack/events", "/healthz"), b"", {}, method="GET")
    assert status == 200
    assert health["status"] == "ok" and health["problems"] == []


# ---- the connection cap ----------------------------------------------------------------------


def test_at_the_cap_a_never_used_connection_goes_first_and_busy_ones_are_never_cut():
    import asyncio

    from handlers.http_server import CONNECTIONS, ConnectionGuard, build_web_app

    class Connection:  # the part of aiohttp's RequestHandler the guard uses
        def __init__(self) -> None:
            self.transport, self.closed = object(), False

        def force_close(self) -> None:
            self.closed = True

    connections = [Connection() for _ in range(3)]

    class Server:  # the part of aiohttp's web.Server the guard uses
        def __init__(self) -> None:
            self.connections = connections

        def __call__(self):
            return "a new connection"

    app = build_web_app()
    known = app[CONNECTIONS]
    guard = ConnectionGuard(Server(), app, limit=3)
    known.served.add(connections[0])  # a kept-alive connection that has sent requests
    known.busy.add(connections[1])  # answering a request right now
    assert guard() == "a new connection"
    assert [c.closed for c in connections] == [False, False, True]
    connections[2].closed = False
    known.busy.update(connections)
    refused = guard()
    assert isinstance(refused, asyncio.Protocol)
    assert not any(c.closed for c in connections)
