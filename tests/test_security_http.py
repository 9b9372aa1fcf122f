"""Attacks and faults against a real `python app.py serve` on loopback (docs/threat-model.md).

Two servers, as a district would run them: one with Slack and authenticated Teams whose token
key endpoint (a fake on 127.0.0.1) accepts connections and never answers, started with a low
open-files limit; one in the Bot Framework Emulator's local mode. The tests assert outcomes —
refused, answered, closed, nothing posted — never wall-clock figures (those are in
`make bench`: bench/hostile_bench.py), and wait for events with generous timeouts.
"""

from __future__ import annotations

import json
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.slack_support import (
    BOT_TOKEN,
    FORM,
    SIGNING_SECRET,
    SUPERVISOR_CHANNEL,
    FakeSlack,
    LoopThread,
    command_body,
    post,
    raw_status,
    sign,
)
from tests.teams_fake_connector import FakeConnector
from tests.teams_fake_openid import FakeOpenId
from tests.teams_support import personal, post_activity
from tests.test_slack_serve import _free_port
from tests.waiting import wait_for_health, wait_until

APP_ID = "00000000-0000-4000-8000-00000000b07e"
OPEN_FILES = 256  # low, so a connection flood would exhaust it if nothing capped connections
pytestmark = pytest.mark.timeout(300)


class Serve:
    """`python app.py serve` with `env`, its log in a file, waited for until /healthz answers."""

    def __init__(self, tmp: Path, env: dict, *, open_files: int | None = None) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "serve.log"
        full_env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp),
            "PORT": str(self.port),
            "DATABASE_PATH": str(tmp / "edc.sqlite3"),
            **env,
        }

        def limit() -> None:
            if open_files:
                resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "app.py", "serve"],
                cwd=ROOT,
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=limit,
            )
        wait_for_health(self.base, self.proc, output=self.log, timeout=60)

    def health(self) -> dict:
        with urllib.request.urlopen(self.base + "/healthz", timeout=10) as response:
            assert response.status == 200
            return json.loads(response.read())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_lines(self) -> int:
        return len(self.log().splitlines())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture(scope="module")
def slack_fake():
    loop = LoopThread()
    fake = FakeSlack(loop)
    yield fake
    fake.close()
    loop.stop()


@pytest.fixture(scope="module")
def stalled_keys():
    fake = FakeOpenId()
    fake.stall()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def connector():
    fake = FakeConnector().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, slack_fake, stalled_keys, connector):
    """Slack + authenticated Teams; the key endpoint stalls; at most OPEN_FILES open files."""
    served = Serve(
        tmp_path_factory.mktemp("serve"),
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_fake.api_url,
            "SLACK_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "secret",
            "TEAMS_OPENID_METADATA_URL": stalled_keys.metadata_url,
            "TEAMS_EXTRA_SERVICE_URLS": connector.url,
        },
        open_files=OPEN_FILES,
    )
    yield served
    served.stop()


@pytest.fixture(scope="module")
def local_server(tmp_path_factory, connector):
    served = Serve(tmp_path_factory.mktemp("local"), {"TEAMS_LOCAL_MODE": "1"})
    yield served
    served.stop()


def _command(server: Serve, fake: FakeSlack, ref: str) -> int:
    body = command_body("can I text a student?", response_url=fake.response_url(ref))
    return post(server.base + "/slack/events", body, content_type=FORM, timeout=60)[0]


def _answered(fake: FakeSlack, refs: set[str], timeout: float = 90) -> set[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = {c.params.get("_ref") for c in fake.of("response_url")}
        if refs <= got:
            return refs
        time.sleep(0.05)
    return refs & {c.params.get("_ref") for c in fake.of("response_url")}


# ---- floods ----------------------------------------------------------------------------------


def test_twenty_senders_of_unsigned_megabytes_do_not_stop_signed_requests(server, slack_fake):
    stop = threading.Event()
    outcomes: list[str] = []
    megabyte = b"text=" + b"x" * (1024 * 1024 - 5)

    def attacker(n: int) -> None:
        while not stop.is_set():
            headers = {"Content-Type": FORM}
            if n % 2:  # well-formed but forged: the body must be read to check the HMAC
                headers.update(
                    {
                        "X-Slack-Request-Timestamp": str(int(time.time())),
                        "X-Slack-Signature": "v0=" + "0" * 64,
                    }
                )
            request = urllib.request.Request(
                server.base + "/slack/events", data=megabyte, headers=headers
            )
            try:
                urllib.request.urlopen(request, timeout=60).close()
                outcomes.append("accepted")
            except urllib.error.HTTPError as err:
                outcomes.append(str(err.code))
            except OSError:  # refused mid-upload: the server closed on us, as intended
                outcomes.append("closed")

    threads = [threading.Thread(target=attacker, args=(n,), daemon=True) for n in range(20)]
    for thread in threads:
        thread.start()
    try:
        refs = {f"flood-{i}" for i in range(10)}
        statuses = [_command(server, slack_fake, ref) for ref in sorted(refs)]
    finally:
        stop.set()
        for thread in threads:
            thread.join(90)
    assert statuses == [200] * 10
    assert _answered(slack_fake, refs) == refs
    assert "accepted" not in outcomes
    assert "401" in outcomes


def test_a_thousand_idle_connections_are_closed_and_the_bot_keeps_answering(server, slack_fake):
    """More connections than the process may open files: the oldest idle ones are closed to
    make room, the rest when they have sent no request for a while; a signed request is
    answered meanwhile, and the log says so in a few lines, not one per connection."""
    lines_before = server.log_lines()
    with ThreadPoolExecutor(max_workers=20) as pool:  # as a flood would: many at once
        idle = [s for s in pool.map(lambda _: _connect(server.port), range(1000)) if s]
    slow = [_slowloris(server.port) for _ in range(5)]  # headers trickling in, never finished
    try:
        assert len(idle) >= 900
        assert _command(server, slack_fake, "after-idle") == 200
        assert _answered(slack_fake, {"after-idle"}) == {"after-idle"}
        assert _all_closed_by_server(idle + [s for s, _ in slow], timeout=120)
        assert server.health()["status"] in ("ok", "degraded")
        assert server.log_lines() - lines_before < 60
        assert "Too many open files" not in server.log()
    finally:
        for s in idle:
            s.close()
        for s, stop in slow:
            stop.set()
            s.close()


def _connect(port: int) -> socket.socket | None:
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=30)
    except OSError:
        return None


def _slowloris(port: int):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    stop = threading.Event()

    def trickle() -> None:
        head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 4000
        for byte in head:
            if stop.wait(0.2):
                return
            try:
                sock.send(bytes([byte]))
            except OSError:
                return

    threading.Thread(target=trickle, daemon=True).start()
    return sock, stop


def _all_closed_by_server(sockets: list[socket.socket], *, timeout: float) -> bool:
    """Wait until every socket reads end-of-file (or a reset): the server closed it."""
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        left = len(sockets)
        deadline = time.monotonic() + timeout
        while left and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1.0):
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(key.fileobj)
                    left -= 1
        return left == 0


def test_a_body_that_never_ends_is_cut_off(server):
    """Signed-looking headers, a chunked body whose last chunk never comes: 408, not a hang."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=120)
    try:
        headers = sign("whatever")
        sock.sendall(
            (
                "POST /slack/events HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n"
                f"X-Slack-Request-Timestamp: {headers['X-Slack-Request-Timestamp']}\r\n"
                f"X-Slack-Signature: {headers['X-Slack-Signature']}\r\n\r\n5\r\ntext=\r\n"
            ).encode()
        )
        answer = sock.recv(4096)
        assert answer == b"" or answer.split(b" ", 2)[1] == b"408"
    finally:
        sock.close()


# ---- a stuck dependency ------------------------------------------------------------------------


def test_a_stalled_key_endpoint_leaves_slack_answering_and_fails_teams_fast(
    server, slack_fake, connector
):
    token = "Bearer " + FakeOpenId().token(app_id=APP_ID, service_url=connector.url)
    status, body = post_activity(
        server.base + "/api/messages",
        personal(connector.url, "policy"),
        headers={"Authorization": token},
    )
    assert status == 503
    assert "try again" in body["error"]
    assert _command(server, slack_fake, "while-stalled") == 200
    assert _answered(slack_fake, {"while-stalled"}) == {"while-stalled"}
    wait_until(lambda: server.health()["status"] == "degraded", timeout=60)
    health = server.health()
    assert health["status"] == "degraded"
    assert any("signing keys" in problem for problem in health["problems"])
    assert connector.calls == []


def test_an_unknown_service_url_is_never_posted_to(server, tmp_path):
    elsewhere = FakeConnector().start()  # on loopback, but not a host the operator trusts
    try:
        status, body = post_activity(
            server.base + "/api/messages",
            personal(elsewhere.url, "policy"),
            headers={"Authorization": "Bearer a.b.c"},
        )
        assert status == 403
        assert "serviceUrl" in body["error"]
        assert elsewhere.calls == []
    finally:
        elsewhere.stop()


# ---- malformed requests --------------------------------------------------------------------------

_SIGNED = sign(command_body("policy"))
RAW_REQUESTS = {
    "non-numeric timestamp": (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM + "\r\n"
        "X-Slack-Request-Timestamp: soon\r\nX-Slack-Signature: v0=00\r\n"
        "Content-Length: 2\r\n\r\nab",
        {401},
    ),
    "huge header": (
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a" * 100_000 + "\r\n\r\n",
        {400, 431},
    ),
    "ten thousand headers": (
        "GET /healthz HTTP/1.1\r\nHost: x\r\n" + "X-A: 1\r\n" * 10_000 + "\r\n",
        {400, 431},
    ),
    "garbage request line": ("\x16\x03\x01 hello\r\n\r\n", {400}),
    "two Content-Lengths": (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        "Content-Length: 3\r\n\r\nabc",
        {400},
    ),
    "Content-Length and chunked": (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        {400},
    ),
    "GET /slack/events": ("GET /slack/events HTTP/1.1\r\nHost: x\r\n\r\n", {405}),
    "DELETE /api/messages": ("DELETE /api/messages HTTP/1.1\r\nHost: x\r\n\r\n", {405}),
    "unknown path": ("POST /admin HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", {404}),
    "duplicate signatures": (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM + "\r\n"
        f"X-Slack-Request-Timestamp: {_SIGNED['X-Slack-Request-Timestamp']}\r\n"
        f"X-Slack-Signature: {_SIGNED['X-Slack-Signature']}\r\n"
        f"X-Slack-Signature: {_SIGNED['X-Slack-Signature']}\r\n"
        "Content-Length: 0\r\n\r\n",
        {401},
    ),
    "Teams: not JSON": (
        "POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 5\r\n\r\n{nope",
        {400},
    ),
    "Teams: deep nesting": (
        "POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {200_000}\r\n\r\n" + "[" * 100_000 + "]" * 100_000,
        {400},
    ),
    "Teams: wrong content type": (
        "POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: text/html\r\n"
        "Content-Length: 2\r\n\r\n{}",
        {415},
    ),
    "Teams: too large": (
        "POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {50 * 1024 * 1024}\r\n\r\n{{",
        {413},
    ),
}


@pytest.mark.parametrize("name", list(RAW_REQUESTS))
def test_malformed_requests_get_a_4xx(server, name):
    request, expected = RAW_REQUESTS[name]
    assert raw_status(server.base, request.encode("latin-1")) in expected


# ---- local mode: this machine only --------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-For": "198.51.100.7"},
        {"Forwarded": "for=198.51.100.7"},
        {"X-Real-IP": "198.51.100.7"},
        {"X-Forwarded-Host": "edc.example.org"},
    ],
    ids=lambda h: next(iter(h)),
)
def test_local_mode_refuses_what_came_through_a_proxy(local_server, connector, header):
    before = len(connector.calls)
    status, body = post_activity(
        local_server.base + "/api/messages", personal(connector.url, "policy"), headers=header
    )
    assert status == 401
    assert len(connector.calls) == before


def test_local_mode_answers_this_machine_and_posts_to_loopback_only(local_server, connector):
    status, _ = post_activity(local_server.base + "/api/messages", personal(connector.url, "hi"))
    assert status == 200
    assert connector.wait_for(lambda calls: len(calls) >= 1, timeout=60)
    status, body = post_activity(
        local_server.base + "/api/messages", personal("https://attacker.example/", "policy")
    )
    assert status == 403


def test_slack_is_not_served_without_its_credentials(local_server):
    assert raw_status(
        local_server.base,
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    ) in {404, 405}
