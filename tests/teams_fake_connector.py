"""A fake Bot Connector service on 127.0.0.1 (its own thread and event loop) that records what
the bot sends and can fail on demand: the `serviceUrl` of every activity the tests post.

Runs in a separate thread on purpose: the bot's proactive sends block their caller, and a fake
sharing the bot's event loop would never get to answer.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Call:
    method: str
    path: str
    conversation_id: str
    activity_id: str
    body: dict
    headers: dict = field(default_factory=dict)

    @property
    def cards(self) -> list[dict]:
        return [
            a["content"]
            for a in self.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    @property
    def card_json(self) -> str:
        return json.dumps(self.cards, ensure_ascii=False)


class FakeConnector:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.rejected: list[Call] = []  # calls answered with an injected failure
        # (status, headers, delay, conversation) for the next calls (to that conversation, if set)
        self.failures: list[tuple[int, dict, float, str]] = []
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._lock = threading.Lock()
        self.url = ""

    # ---- lifecycle ----
    def start(self) -> FakeConnector:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-connector", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"

    def stop(self) -> None:
        async def stop() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    # ---- controls and queries ----
    def fail_next(
        self,
        status: int,
        *,
        headers: dict | None = None,
        times: int = 1,
        delay: float = 0.0,
        conversation: str = "",
    ) -> None:
        """Answer the next `times` calls (to `conversation` only, if given) with `status` after
        `delay` seconds; status 0 = just the delay, then the normal answer."""
        with self._lock:
            self.failures += [(status, headers or {}, delay, conversation)] * times

    def sent(self, conversation_id: str | None = None) -> list[Call]:
        """Messages posted (new or replies), optionally to one conversation."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method == "POST"
                and "/activities" in c.path
                and (conversation_id is None or c.conversation_id == conversation_id)
            ]

    def updates(self) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == "PUT"]

    def created(self) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method == "POST" and c.path.rstrip("/") == "/v3/conversations"
            ]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.rejected.clear()

    def wait_for(self, predicate, timeout: float = 30.0) -> list[Call]:
        """Poll until predicate(calls) is truthy (proactive posts happen on other threads)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                calls = list(self.calls)
            if predicate(calls) or time.monotonic() > deadline:
                return calls
            time.sleep(0.05)

    # ---- the service ----
    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        parts = request.path.strip("/").split("/")  # v3 conversations {cid} activities {aid}
        cid = parts[2] if len(parts) > 2 else ""
        aid = parts[4] if len(parts) > 4 else ""
        with self._lock:
            failure = next((f for f in self.failures if not f[3] or f[3] == cid), None)
            if failure:
                self.failures.remove(failure)
                self.rejected.append(Call(request.method, request.path, cid, aid, body))
        if failure:
            status, headers, delay, _ = failure
            if delay:
                await asyncio.sleep(delay)
            if status:
                return web.json_response(
                    {"error": {"code": "ServiceError", "message": "injected"}},
                    status=status,
                    headers=headers,
                )
        call = Call(request.method, request.path, cid, aid, body, dict(request.headers))
        with self._lock:
            self.calls.append(call)
            n = next(self._ids)
        if request.method == "POST" and request.path.rstrip("/") == "/v3/conversations":
            member = (body.get("members") or [{}])[0].get("id", "user")
            return web.json_response(
                {"id": f"a:personal-{member}", "activityId": f"act-{n}", "serviceUrl": self.url}
            )
        if request.method == "PUT":
            return web.json_response({"id": aid})
        return web.json_response({"id": f"act-{n}"})
