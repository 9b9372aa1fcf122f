"""Hostile load: the real `python app.py serve` (Slack and authenticated Teams) on loopback while
it is attacked, each part in its own process as deployed:

- signed `/edc` acks, p50/p99, alone and while 20 senders POST unsigned 1 MB bodies (half of
  them with well-formed forged signature headers, so the body must be read and its HMAC
  checked) — target p99 < 1 s, Slack's limit being 3 s;
- 1,000 idle connections: how long until the server has closed every one (the oldest idle
  ones are closed at once to make room, the rest after the idle timeout), and a signed ack
  meanwhile;
- Teams' token key endpoint stalled (a listener here that accepts and never answers): what a
  Teams request gets and how fast, whether Slack still acks and answers, what /healthz says.

The fake Slack is bench/slack_servers.py's. `run()` returns the figures for bench/extras.py.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.slack_bench import SECRET
from bench.slack_servers import BOT_TOKEN, SUPERVISOR_CHANNEL

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "00000000-0000-4000-8000-00000000b07e"
ATTACKERS = 20
ACKS = 200
IDLE = 1000
TARGET_P99_MS = 1000.0
START_TIMEOUT = 60.0


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="edc-hostile-bench-") as tmp, _Stall() as stall:
        fake_port = _free_port()
        fake = _start(
            "fake-slack",
            [sys.executable, "-m", "bench.slack_servers", "fake", str(fake_port)],
            Path(tmp),
            {},
        )
        port = _free_port()
        env = {
            "PORT": str(port),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"http://127.0.0.1:{fake_port}/api/",
            "SLACK_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
            "DATABASE_PATH": str(Path(tmp) / "edc.sqlite3"),
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "bench",
            "TEAMS_OPENID_METADATA_URL": stall.url,
        }
        ours = _start("serve", [sys.executable, str(ROOT / "app.py"), "serve"], Path(tmp), env)
        try:
            _wait_healthy(fake_port, fake)
            _wait_healthy(port, ours)
            slack = _Slack(port, fake_port)
            figures = {}
            figures.update(_flood(slack))
            figures.update(_idle(slack))
            figures.update(_stalled_keys(slack, port))
            return figures
        finally:
            for proc in (ours, fake):
                proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(15)


class _Slack:
    """Signed /edc commands over one kept-alive connection, and the fake's answer count."""

    def __init__(self, port: int, fake_port: int) -> None:
        self.port, self.fake_port = port, fake_port
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self._n = 0

    def ack_ms(self) -> tuple[int, float]:
        self._n += 1
        body = urllib.parse.urlencode(
            {
                "command": "/edc",
                "text": "can I text a student?",
                "user_id": "U1",
                "channel_id": "C1",
                "team_id": "T",
                "response_url": f"http://127.0.0.1:{self.fake_port}/response/hostile-{self._n}",
                "trigger_id": "t",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", **_sign(body)}
        started = time.perf_counter()
        for _ in range(2):  # a kept-alive connection the server closed: one new one, as
            try:  # HTTP clients do with a pooled connection found closed
                self._conn.request("POST", "/slack/events", body=body, headers=headers)
                response = self._conn.getresponse()
                response.read()
                return response.status, (time.perf_counter() - started) * 1000
            except (OSError, http.client.HTTPException):
                self._conn.close()
                self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return 0, (time.perf_counter() - started) * 1000

    def answers(self, at_least: int, timeout: float = 60) -> int:
        url = (
            f"http://127.0.0.1:{self.fake_port}/answers"
            f"?app=hostile&at_least={at_least}&timeout={timeout}"
        )
        with urllib.request.urlopen(url, timeout=timeout + 10) as response:
            return json.loads(response.read())["answers"]


def _flood(slack: _Slack) -> dict:
    alone = [slack.ack_ms() for _ in range(ACKS)]
    stop = threading.Event()
    refused = [0]
    megabyte = b"text=" + b"x" * (1024 * 1024 - 5)

    def attacker(n: int) -> None:
        while not stop.is_set():
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            if n % 2:
                headers["X-Slack-Request-Timestamp"] = str(int(time.time()))
                headers["X-Slack-Signature"] = "v0=" + "0" * 64
            request = urllib.request.Request(
                f"http://127.0.0.1:{slack.port}/slack/events", data=megabyte, headers=headers
            )
            try:
                urllib.request.urlopen(request, timeout=60).close()
            except urllib.error.HTTPError as err:
                refused[0] += err.code == 401
            except OSError:
                refused[0] += 1  # closed on us mid-upload: refused without reading it all

    threads = [threading.Thread(target=attacker, args=(n,), daemon=True) for n in range(ATTACKERS)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let the flood build up before measuring under it
    started, refused_before = time.perf_counter(), refused[0]
    try:
        attacked = [slack.ack_ms() for _ in range(ACKS)]
    finally:
        attack_rate = (refused[0] - refused_before) / (time.perf_counter() - started)
        stop.set()
        for thread in threads:
            thread.join(60)
    answered = slack.answers(2 * ACKS)
    return {
        "signed ack p50 ms (no attack)": _pct(alone, 50),
        "signed ack p99 ms (no attack)": _pct(alone, 99),
        f"signed ack p50 ms ({ATTACKERS} unsigned 1 MB senders)": _pct(attacked, 50),
        f"signed ack p99 ms ({ATTACKERS} unsigned 1 MB senders)": _pct(attacked, 99),
        "target p99 ms under attack": TARGET_P99_MS,
        "signed acks not 200": sum(status != 200 for status, _ in alone + attacked),
        "answers delivered / signed commands": f"{answered} / {2 * ACKS}",
        "unsigned 1 MB bodies refused": refused[0],
        "unsigned 1 MB bodies refused per second while measuring": attack_rate,
    }


def _idle(slack: _Slack) -> dict:
    sockets = []
    for _ in range(IDLE):
        with contextlib.suppress(OSError):
            sockets.append(socket.create_connection(("127.0.0.1", slack.port), timeout=30))
    opened = time.perf_counter()
    status, ack = slack.ack_ms()
    closed_at = _closed_by_server(sockets, timeout=120)
    for sock in sockets:
        sock.close()
    late = [t - opened for t in closed_at]
    return {
        f"idle connections opened (of {IDLE})": len(sockets),
        "signed ack ms while they are open": ack if status == 200 else f"HTTP {status}",
        "idle connections closed by the server": len(closed_at),
        "closed at once to make room": sum(t < 1.0 for t in late),
        "seconds until the last one was closed": max(late) if late else float("nan"),
    }


def _stalled_keys(slack: _Slack, port: int) -> dict:
    activity = {
        "type": "message",
        "id": "1",
        "channelId": "msteams",
        "serviceUrl": "https://smba.trafficmanager.net/amer/",
        "from": {"id": "29:u"},
        "conversation": {"id": "a:1", "conversationType": "personal"},
        "recipient": {"id": "28:" + APP_ID},
        "text": "policy",
    }
    header = _b64({"alg": "RS256", "kid": "k"})
    claims = _b64({"iss": "https://api.botframework.com", "aud": APP_ID})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/messages",
        data=json.dumps(activity).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {header}.{claims}.c2ln",
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            teams_status = response.status
    except urllib.error.HTTPError as err:
        teams_status = err.code
    teams_ms = (time.perf_counter() - started) * 1000
    before = slack.answers(0, timeout=0)
    status, ack = slack.ack_ms()
    answered = slack.answers(before + 1, timeout=30) > before
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
        health = json.loads(response.read())
    return {
        "key endpoint stalled: Teams request": f"HTTP {teams_status} in {teams_ms:.0f} ms",
        "key endpoint stalled: Slack ack ms": ack if status == 200 else f"HTTP {status}",
        "key endpoint stalled: Slack answered": "yes" if answered else "no",
        "key endpoint stalled: /healthz": health.get("status", "?"),
    }


def _closed_by_server(sockets: list[socket.socket], *, timeout: float) -> list[float]:
    """perf_counter() times at which each socket read end-of-file (the server closed it)."""
    times = []
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while len(times) < len(sockets) and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.5):
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    times.append(time.perf_counter())
                    selector.unregister(key.fileobj)
    return times


class _Stall:
    """A listener on 127.0.0.1 that accepts connections and never answers."""

    def __enter__(self) -> _Stall:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/openid"
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        self._sock.settimeout(0.5)
        while not self._stop.is_set():
            with contextlib.suppress(OSError):
                self._held.append(self._sock.accept()[0])

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._sock.close()
        for sock in self._held:
            sock.close()


def _start(name: str, argv: list[str], tmp: Path, env: dict) -> subprocess.Popen:
    """A process in `tmp` (no .env of the checkout applies), its output in tmp/NAME.log."""
    full_env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp), "PYTHONPATH": str(ROOT)}
    with open(tmp / f"{name}.log", "wb") as log:
        return subprocess.Popen(
            argv, cwd=tmp, env={**full_env, **env}, stdout=log, stderr=subprocess.STDOUT
        )


def _wait_healthy(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[1]} exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
            return
        time.sleep(0.1)
    raise RuntimeError(f"{proc.args[1]} did not answer /healthz")


def _sign(body: str) -> dict:
    import hashlib
    import hmac

    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _b64(data: dict) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _pct(samples: list[tuple[int, float]], q: int) -> float:
    values = sorted(ms for _, ms in samples)
    if q == 50:
        return statistics.median(values)
    return values[min(len(values) - 1, int(round(q / 100 * len(values))) - 1)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:60} {value}")
