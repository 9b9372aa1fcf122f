"""Slack: `/edc <question>` round trip (signed request → ack) over loopback HTTP, p50/p99 with 1
and 20 concurrent senders, and throughput as a ratio to a minimal Bolt app that only acks,
served the same way.

Measured as deployed, one process each (all on 127.0.0.1):
- our app: the real `python app.py serve` (PORT, SLACK_* pointing at the fake, a temporary
  DATABASE_PATH, no Teams credentials), so the ack competes with its own after-ack work (the
  lookup, Block Kit, the POST to the response_url) exactly as in production — and with nothing
  else of ours;
- the minimal app: a Bolt app that only acks, served by the same code (handlers.http_server:
  aiohttp, requests dispatched to the Bolt app on a thread pool) — see bench/slack_servers.py;
- a fake Slack Web API that answers auth.test etc. and counts the answers POSTed to the
  response_url (bench/slack_servers.py), at idle CPU priority: in production, receiving the
  answers is Slack's work on Slack's machines;
- the load: this process, one asyncio loop, aiohttp with kept-alive connections, each request
  signed as Slack signs it (v0 HMAC-SHA256 of "v0:{ts}:{body}").

Throughput alternates the two apps over several rounds of a fixed count and takes medians.
"incl. answers delivered" stops our app's clock only when the fake has every answer.
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
SENDERS = (1, 20)
REQUESTS_ALONE = 300
REQUESTS_EACH = 60  # per sender at 20 concurrent
ROUNDS = 9  # more alternating rounds: a steadier median (each round is under half a second)
WARM_UP = 40
START_TIMEOUT = 30.0  # seconds for a server to answer GET /healthz
DRAIN_TIMEOUT = 30.0  # seconds for every answer to reach the fake Slack
TARGET_P99_MS = 100.0
TARGET_RATIO = 0.8


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
        return asyncio.run(_bench(ours, minimal, fake))


async def _bench(ours: int, minimal: int, fake: int) -> dict:
    import aiohttp

    figures: dict = {}
    fake_url = f"http://127.0.0.1:{fake}"
    # One client session per app, as many kept-alive connections as senders.
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as control,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=max(SENDERS))) as to_ours,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=max(SENDERS))) as to_min,
    ):
        edc = _Target(to_ours, ours, fake_url)
        bare = _Target(to_min, minimal, fake_url)
        sent = 0  # commands sent to our app; each must produce one answer at the fake

        async def delivered(at_least: int) -> dict:
            url = f"{fake_url}/answers?at_least={at_least}&timeout={DRAIN_TIMEOUT}"
            async with control.get(url, timeout=aiohttp.ClientTimeout(DRAIN_TIMEOUT + 5)) as r:
                return await r.json()

        # Warm up: Bolt's lazy auth.test, imports, thread pools, connections.
        for target in (edc, bare):
            await target.load(1, WARM_UP)
            await target.load(max(SENDERS), WARM_UP // 4)
        sent += WARM_UP + max(SENDERS) * (WARM_UP // 4)
        await delivered(sent)

        for senders in SENDERS:
            count = REQUESTS_ALONE if senders == 1 else REQUESTS_EACH
            latencies, _ = await edc.load(senders, count)
            sent += len(latencies)
            await delivered(sent)  # no backlog from this pass in the next
            label = f"{senders} sender{'s' * (senders > 1)}"
            figures[f"/edc ack p50 ms ({label})"] = _pct(latencies, 50)
            figures[f"/edc ack p99 ms ({label})"] = _pct(latencies, 99)

        # Throughput: alternate the two apps (swapping which goes first) and take each one's
        # median, so a noisy moment on the machine does not decide the ratio.
        rates: dict[str, list[float]] = {"edc": [], "minimal": [], "edc+answers": []}
        minimal_latencies: list[float] = []
        for round_no in range(ROUNDS):
            order = ("edc", "minimal") if round_no % 2 == 0 else ("minimal", "edc")
            for name in order:
                started = time.perf_counter()
                if name == "minimal":
                    latencies, seconds = await bare.load(max(SENDERS), REQUESTS_EACH)
                    minimal_latencies += latencies
                    rates["minimal"].append(len(latencies) / seconds)
                    continue
                latencies, seconds = await edc.load(max(SENDERS), REQUESTS_EACH)
                rates["edc"].append(len(latencies) / seconds)
                sent += len(latencies)
                got = await delivered(sent)  # also: no leftover work during the next round
                if got["answers"] < sent:
                    raise RuntimeError(
                        f"only {got['answers']} of {sent} answers reached the fake Slack"
                    )
                rates["edc+answers"].append(len(latencies) / (time.perf_counter() - started))
        final = await delivered(sent)

    throughput = {name: statistics.median(values) for name, values in rates.items()}
    ratio = throughput["edc"] / throughput["minimal"]
    figures["minimal ack p50 ms (20 senders)"] = _pct(minimal_latencies, 50)
    figures["minimal ack p99 ms (20 senders)"] = _pct(minimal_latencies, 99)
    figures["throughput req/s at 20 (edc)"] = round(throughput["edc"], 1)
    figures["throughput req/s at 20 (edc, incl. answers delivered)"] = round(
        throughput["edc+answers"], 1
    )
    figures["throughput req/s at 20 (minimal Bolt ack-only)"] = round(throughput["minimal"], 1)
    figures["throughput rounds req/s (edc; minimal)"] = "; ".join(
        " ".join(str(round(v)) for v in rates[name]) for name in ("edc", "minimal")
    )
    figures["throughput ratio edc/minimal"] = round(ratio, 3)
    figures["throughput ratio incl. answers delivered"] = round(
        throughput["edc+answers"] / throughput["minimal"], 3
    )
    figures["answers delivered / commands sent"] = f"{final['answers']}/{sent}" + (
        f" ({final['bad']} malformed)" if final["bad"] else ""
    )
    p99 = figures["/edc ack p99 ms (20 senders)"]
    figures["target p99 < 100 ms at 20"] = "met" if p99 < TARGET_P99_MS else "MISSED"
    figures["target ratio >= 0.8"] = "met" if ratio >= TARGET_RATIO else "MISSED"
    figures["cpus"] = os.cpu_count() or 0
    return figures


# ---- load ----------------------------------------------------------------------------------------


class _Target:
    def __init__(self, session, port: int, fake_url: str) -> None:
        self.session = session
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.response_url = f"{fake_url}/response/"
        self.serial = 0

    async def load(self, senders: int, each: int) -> tuple[list[float], float]:
        """`senders` concurrent senders, `each` signed commands one after another; returns the
        request→ack latencies (ms) and the wall time of the whole pass (s)."""
        self.serial += 1
        bodies = [[self._body(n, i) for i in range(each)] for n in range(senders)]
        latencies: list[float] = []

        async def sender(mine: list[bytes]) -> None:
            for body in mine:
                headers = _signed(body)
                started = time.perf_counter()
                async with self.session.post(self.url, data=body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"ack failed with HTTP {response.status}")
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(sender(mine) for mine in bodies)), 60)
        return latencies, time.perf_counter() - started

    def _body(self, n: int, i: int) -> bytes:
        ref = f"{self.serial}-{n}-{i}"
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
        print(f"{key:55} {value}")
