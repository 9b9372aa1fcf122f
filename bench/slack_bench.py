"""Slack: `/edc <question>` over loopback HTTP, ours beside a minimal Bolt app that acks and
posts a fixed reply to the same response_url (the fair peer: same I/O, no lookup).

Measured as deployed, one process each (all on 127.0.0.1):
- our app: the real `python app.py serve` (PORT, SLACK_* pointing at the fake, a temporary
  DATABASE_PATH, no Teams credentials): the ack and the work after it (the lookup, Block Kit,
  the POST to the response_url) share the process exactly as in production;
- the minimal app: bench/slack_servers.py, served by the same code (handlers.http_server);
- a fake Slack Web API that answers auth.test etc. and notes when each answer POSTed to a
  response_url arrived (bench/slack_servers.py);
- the load: this process, one asyncio loop, aiohttp with kept-alive connections, each request
  signed as Slack signs it (v0 HMAC-SHA256 of "v0:{ts}:{body}").

Four figures per app, at 20 concurrent senders (each sends its next command when the previous
one is acked):
- ack p99: request → HTTP 200;
- answer p99: request sent → its answer received by the fake (both clocks CLOCK_MONOTONIC);
- full-path throughput: commands per second until the fake has every answer; the two apps
  alternate over several rounds and each one's median is taken; beside it, the CPU time each
  server process spent per command in those rounds (Linux), which is what the ratio comes down
  to: one process, one interpreter lock;
- burst drain: after 30 seconds of that load without a pause, the time from the burst's end
  (the last ack) until the fake has received the last answer.
`run()` returns the figures for bench/extras.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"  # = bench.slack_servers.SECRET (not imported: keeps aiohttp lazy)
QUESTIONS = (
    "can I text a student?",
    "may I friend a parent on facebook",
    "3.5",
    "can I post photos of my class online?",
    "what is the policy on personal email",
)
SENDERS = 20
REQUESTS_EACH = 60  # per sender, per pass
ROUNDS = 5  # alternating throughput rounds per app
WARM_UP = 10  # per sender
BURST_SECONDS = 30.0
START_TIMEOUT = 30.0  # seconds for a server to answer GET /healthz
DRAIN_TIMEOUT = 100.0  # seconds for every answer to reach the fake Slack
TARGETS = {  # figure → (limit, "<" or ">=")
    "ack p99 ms": (100.0, "<"),
    "answer p99 ms": (250.0, "<"),
    "full-path throughput ratio": (0.8, ">="),
    "burst drain s": (2.0, "<"),
}


def run() -> dict:
    with (
        tempfile.TemporaryDirectory(prefix="edc-slack-bench-") as tmp,
        _Processes(Path(tmp)) as procs,
    ):
        fake = procs.start(
            "fake-slack", [sys.executable, "-m", "bench.slack_servers", "fake", "{port}"]
        )
        api = f"http://127.0.0.1:{fake}/api/"
        env = {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api,
            "SLACK_SUPERVISOR_CHANNEL": "GSUPER",
            "DATABASE_PATH": str(Path(tmp) / "edc.sqlite3"),
        }
        # cwd is the temporary directory: no .env of the checkout can add settings (e.g. Teams).
        ours = procs.start(
            "app.py serve",
            [sys.executable, str(ROOT / "app.py"), "serve"],
            env=env,
            cwd=tmp,
            port_env="PORT",
            wait=False,
        )
        minimal = procs.start(
            "minimal Bolt app",
            [sys.executable, "-m", "bench.slack_servers", "minimal", "{port}", api],
            wait=False,
        )
        procs.wait_healthy()
        pids = {"edc": procs.pid(ours), "minimal": procs.pid(minimal)}
        return asyncio.run(_bench(ours, minimal, fake, pids))


async def _bench(ours: int, minimal: int, fake: int, pids: dict[str, int]) -> dict:
    import aiohttp

    fake_url = f"http://127.0.0.1:{fake}"
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=8)) as control,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=SENDERS)) as to_ours,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=SENDERS)) as to_min,
    ):
        fake_slack = _FakeSlack(control, fake_url)
        apps = {
            "edc": _Target(to_ours, ours, fake_url, "edc", fake_slack),
            "minimal": _Target(to_min, minimal, fake_url, "minimal", fake_slack),
        }
        # Warm up: Bolt's lazy auth.test, imports, thread pools, connections.
        for target in apps.values():
            await target.delivered_after(await target.load(SENDERS, each=WARM_UP))

        figures: dict[str, dict] = {name: {} for name in apps}
        for name, target in apps.items():
            sent = await target.load(SENDERS, each=REQUESTS_EACH)
            arrivals = await target.delivered_after(sent)
            figures[name]["ack p99 ms"] = _pct(sent.acks, 99)
            figures[name]["ack p50 ms"] = _pct(sent.acks, 50)
            figures[name]["answer p99 ms"] = _pct(_answer_ms(sent, arrivals), 99)
            figures[name]["answer p50 ms"] = _pct(_answer_ms(sent, arrivals), 50)

        # Throughput: alternate the two apps (swapping which goes first) and take each one's
        # median, so a noisy moment on the machine does not decide the ratio.
        rates: dict[str, list[float]] = {name: [] for name in apps}
        cpu = {name: 0.0 for name in apps}  # CPU seconds the server process spent in the rounds
        for round_no in range(ROUNDS):
            order = list(apps) if round_no % 2 == 0 else list(reversed(apps))
            for name in order:
                cpu_before = _cpu_seconds(pids[name])
                sent = await apps[name].load(SENDERS, each=REQUESTS_EACH)
                arrivals = await apps[name].delivered_after(sent)
                cpu[name] += _cpu_seconds(pids[name]) - cpu_before
                rates[name].append(len(sent.refs) / (max(arrivals.values()) - sent.started))
        for name in apps:
            figures[name]["full-path throughput req/s"] = round(statistics.median(rates[name]), 1)
            figures[name]["full-path rounds req/s"] = " ".join(str(round(r)) for r in rates[name])
            if cpu[name] > 0:
                commands = ROUNDS * SENDERS * REQUESTS_EACH
                figures[name]["server CPU ms per command"] = round(cpu[name] / commands * 1000, 2)

        for name, target in apps.items():
            sent = await target.load(SENDERS, seconds=BURST_SECONDS)
            arrivals = await target.delivered_after(sent)
            figures[name]["burst commands (30 s)"] = len(sent.refs)
            figures[name]["burst ack p99 ms"] = _pct(sent.acks, 99)
            figures[name]["burst drain s"] = round(max(arrivals.values()) - sent.ended, 3)
        bad = await fake_slack.bad()

    return _table(figures, bad)


def _table(figures: dict[str, dict], bad: int) -> dict:
    ours, peer = figures["edc"], figures["minimal"]
    ratio = ours["full-path throughput req/s"] / peer["full-path throughput req/s"]
    ours["full-path throughput ratio"] = round(ratio, 3)
    peer["full-path throughput ratio"] = 1.0
    table: dict = {}
    for key in ours:
        line = f"{ours[key]}  (minimal: {peer[key]})"
        if key in TARGETS:
            limit, sense = TARGETS[key]
            met = ours[key] < limit if sense == "<" else ours[key] >= limit
            line += f"  target {sense} {limit:g}: {'met' if met else 'MISSED'}"
        table[f"{key} ({SENDERS} senders)"] = line
    table["malformed answers at the fake"] = bad
    table["cpus"] = os.cpu_count() or 0
    return table


def _answer_ms(sent: _Sent, arrivals: dict[str, float]) -> list[float]:
    return [(arrivals[ref] - at) * 1000 for ref, at in sent.refs.items()]


# ---- load ----------------------------------------------------------------------------------------


class _Sent:
    """One pass of load: when each command was sent (by ref) and each ack's latency."""

    def __init__(self) -> None:
        self.refs: dict[str, float] = {}
        self.acks: list[float] = []
        self.started = time.monotonic()
        self.ended = self.started


class _FakeSlack:
    def __init__(self, session, url: str) -> None:
        self.session = session
        self.url = url

    async def arrivals(self, app: str, at_least: int) -> dict[str, float]:
        import aiohttp

        url = f"{self.url}/answers?app={app}&at_least={at_least}&timeout={DRAIN_TIMEOUT}"
        async with self.session.get(url, timeout=aiohttp.ClientTimeout(DRAIN_TIMEOUT + 5)) as r:
            return (await r.json())["arrivals"]

    async def bad(self) -> int:
        async with self.session.get(f"{self.url}/answers") as r:
            return (await r.json())["bad"]


class _Target:
    def __init__(self, session, port: int, fake_url: str, app: str, fake: _FakeSlack) -> None:
        self.session = session
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.response_url = f"{fake_url}/response/{app}-"
        self.app = app
        self.fake = fake
        self.serial = 0
        self.total = 0  # commands sent so far: each must produce one answer at the fake

    async def load(self, senders: int, *, each: int = 0, seconds: float = 0.0) -> _Sent:
        """`senders` concurrent senders, each sending signed commands one after another: `each`
        of them, or for `seconds`."""
        self.serial += 1
        sent = _Sent()
        stop_at = sent.started + seconds

        async def sender(n: int) -> None:
            i = 0
            while (i < each) if each else (time.monotonic() < stop_at):
                ref = f"{self.serial}.{n}.{i}"
                body = self._body(n, i, ref)
                headers = _signed(body)
                started = time.monotonic()
                sent.refs[ref] = started
                async with self.session.post(self.url, data=body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"ack failed with HTTP {response.status}")
                sent.acks.append((time.monotonic() - started) * 1000)
                i += 1

        await asyncio.wait_for(asyncio.gather(*(sender(n) for n in range(senders))), 120)
        sent.ended = time.monotonic()
        self.total += len(sent.refs)
        return sent

    async def delivered_after(self, sent: _Sent) -> dict[str, float]:
        """Wait until every answer so far reached the fake; the arrival times of `sent`'s."""
        arrivals = await self.fake.arrivals(self.app, self.total)
        missing = [ref for ref in sent.refs if ref not in arrivals]
        if missing:
            raise RuntimeError(
                f"{self.app}: {len(missing)} of {len(sent.refs)} answers never reached the fake"
            )
        return {ref: arrivals[ref] for ref in sent.refs}

    def _body(self, n: int, i: int, ref: str) -> bytes:
        return urllib.parse.urlencode(
            {
                "token": "legacy",
                "team_id": "T",
                "team_domain": "district",
                "channel_id": "C1",
                "channel_name": "general",
                "user_id": f"U{n}",
                "user_name": f"user{n}",
                "command": "/edc",
                "text": QUESTIONS[i % len(QUESTIONS)],
                "api_app_id": "A1",
                "response_url": self.response_url + ref,
                "trigger_id": f"1.{ref}",
            }
        ).encode()


def _signed(body: bytes) -> dict:
    """Headers exactly as Slack sends them: v0 HMAC-SHA256 of "v0:{ts}:{body}"."""
    ts = str(int(time.time()))
    digest = hmac.new(
        SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc; 0 where there is none): the
    server's work per command, whatever the load generator and the fake cost."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return round(values[0], 2) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[p - 1], 2)


# ---- processes -----------------------------------------------------------------------------------


class _Processes:
    """Servers as child processes; every one is stopped on exit (terminate, then kill)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.started: list[tuple[str, subprocess.Popen, int, Path]] = []

    def __enter__(self) -> _Processes:
        return self

    def __exit__(self, *exc) -> None:
        for _, proc, _, _ in self.started:
            if proc.poll() is None:
                proc.terminate()
        for _, proc, _, _ in self.started:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def start(
        self,
        name: str,
        argv: list[str],
        *,
        env: dict | None = None,
        cwd: str | None = None,
        port_env: str = "",
        wait: bool = True,
    ) -> int:
        """Start `argv` ("{port}" replaced) on a free port; returns the port."""
        port = _free_port()
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.tmp),
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        }
        if port_env:
            full_env[port_env] = str(port)
        log_path = self.tmp / f"{len(self.started)}.log"
        with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would block the child
            proc = subprocess.Popen(
                [a.replace("{port}", str(port)) for a in argv],
                env=full_env,
                cwd=cwd or str(ROOT),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.started.append((name, proc, port, log_path))
        if wait:
            self.wait_healthy()
        return port

    def pid(self, port: int) -> int:
        """The process ID of the server started on `port`."""
        return next(proc.pid for _, proc, p, _ in self.started if p == port)

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        for name, proc, port, log_path in self.started:
            while not _healthy(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-600:].strip()
                    state = (
                        f"exited with {proc.returncode}" if proc.poll() is not None else "timed out"
                    )
                    raise RuntimeError(f"{name} did not come up ({state}): {tail}")
                time.sleep(0.05)


def _free_port() -> int:
    """A port free right now (bind to 0, release): the servers take a port number, not 0."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    with (
        contextlib.suppress(OSError),
        socket.create_connection(("127.0.0.1", port), timeout=1) as s,
    ):
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        s.settimeout(2)
        return s.recv(64).startswith(b"HTTP/1.1 200")
    return False


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:42} {value}")
