"""Test doubles for Slack, on loopback: a fake Web API that records every call and fails on
demand, a WebSocket server for Socket Mode, Slack's request signing, and the real app served
over real HTTP in-process."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from aiohttp import web

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-test"
BOT_USER = "UBOT"
TEAM = "T0001"
APP_ID = "A0001"
SUPERVISOR_CHANNEL = "GSUPER"


@dataclass
class Call:
    method: str
    params: dict
    headers: dict = field(default_factory=dict)


class LoopThread:
    """An asyncio loop on its own thread, for servers the synchronous tests talk to."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def start_site(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, port


class FakeSlack:
    """The Slack Web API on 127.0.0.1: records calls, keeps channel history, fails on demand."""

    def __init__(self, loop: LoopThread) -> None:
        self.loop = loop
        self.calls: list[Call] = []
        self.failures: dict[str, list[tuple[int, float | None, str, str]]] = {}
        self.channels = {
            SUPERVISOR_CHANNEL: {
                "id": SUPERVISOR_CHANNEL,
                "name": "edc-supervisors",
                "is_private": True,
                "is_member": True,
            },
        }
        self.members = {SUPERVISOR_CHANNEL: ["USUPER", BOT_USER]}
        self.history: dict[str, list[dict]] = {}
        self.ws_url = ""
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/response/{ref}", self._response_url)
        self.runner, self.port = loop.run(start_site(app))
        self.api_url = f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, ref: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{ref}"

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float | None = None,
        error: str = "",
        channel: str = "",
    ) -> None:
        """The next `times` calls of `method` (to `channel`, if given) answer HTTP `status`
        (429 with Retry-After), or with status 200, Slack's `{"ok": false, "error": error}`."""
        self.failures.setdefault(method, []).extend([(status, retry_after, error, channel)] * times)

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 30) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count or time.monotonic() > deadline:
                    return found
                self._changed.wait(0.05)

    def wait_until(self, condition, timeout: float = 30) -> bool:
        """Wait until `condition(calls)` holds (checked at every new call); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not condition(self.calls):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def close(self) -> None:
        self.loop.run(self.runner.cleanup())

    # ---- handlers -----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict:
        raw = await request.read()
        if request.content_type == "application/json":
            params = json.loads(raw or b"{}")
        else:
            params = dict(urllib.parse.parse_qsl(raw.decode()))
            for key in ("blocks", "metadata", "view", "attachments"):
                if isinstance(params.get(key), str):
                    with contextlib.suppress(ValueError):
                        params[key] = json.loads(params[key])
        return params

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._changed.notify_all()

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        params["_ref"] = request.match_info["ref"]
        self._record(Call("response_url", params, dict(request.headers)))
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        self._record(Call(method, params, dict(request.headers)))
        queued = [
            f for f in self.failures.get(method, []) if not f[3] or f[3] == params.get("channel")
        ]
        if queued:
            self.failures[method].remove(queued[0])
            status, retry_after, error, _ = queued[0]
            if status == 200:
                return web.json_response({"ok": False, "error": error})
            headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
            if status == 429:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers=headers
                )
            return web.Response(status=status, text="upstream error", headers=headers)
        return web.json_response(self._answer(method, params))

    def _answer(self, method: str, p: dict) -> dict:
        ok = {"ok": True}
        if method == "auth.test":
            return {**ok, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM, "user": "edc"}
        if method == "conversations.open":
            return {**ok, "channel": {"id": "D" + str(p.get("users", "")).lstrip("U")}}
        if method in ("chat.postMessage", "chat.update"):
            ts = p.get("ts") or f"{1700000000 + next(self._ts)}.000100"
            message = {"ts": ts, "text": p.get("text"), "blocks": p.get("blocks"), "bot_id": "BBOT"}
            if p.get("metadata"):
                message["metadata"] = p["metadata"]
            with self._lock:
                self.history.setdefault(p["channel"], []).insert(0, message)
            return {**ok, "channel": p["channel"], "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {**ok, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method == "conversations.history":
            with self._lock:
                return {**ok, "messages": list(self.history.get(p.get("channel"), []))}
        if method == "conversations.info":
            channel = self.channels.get(p.get("channel"))
            return (
                {**ok, "channel": channel}
                if channel
                else {"ok": False, "error": "channel_not_found"}
            )
        if method == "conversations.members":
            return {
                **ok,
                "members": self.members.get(p.get("channel"), []),
                "response_metadata": {"next_cursor": ""},
            }
        if method == "apps.connections.open":
            return {**ok, "url": self.ws_url}
        if method in ("views.open", "views.update", "views.publish", "views.push"):
            return {**ok, "view": {"id": "V1", **(p.get("view") or {})}}
        return ok


# ---- signing and posting -----------------------------------------------------------------------


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict:
    """Headers exactly as Slack sends them: v0 HMAC-SHA256 of "v0:{ts}:{body}"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def raw_status(url: str, request: bytes) -> int:
    """Send `request` (raw bytes, however malformed) to `url`'s host and port; the HTTP status
    of the answer. The server may answer and close before the whole request is sent."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(request)
        head = b""
        while b"\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    return int(head.split(b" ", 2)[1])


def view_submission(values: dict, view: dict | None = None) -> str:
    """A form-encoded view_submission of the report modal (`view`: the one views.open showed,
    whose callback and private metadata come back; default: the emergency-call form's callback).
    A plain string value is a text input; a dict is the element's state as Slack sends it."""
    state = {
        field: {
            "v": value if isinstance(value, dict) else {"type": "plain_text_input", "value": value}
        }
        for field, value in values.items()
    }
    submitted = {"id": "V1", "type": "modal", "callback_id": "edc:form:emergency_call"}
    if view is not None:
        submitted["callback_id"] = view["callback_id"]
        submitted["private_metadata"] = view.get("private_metadata", "")
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U1", "username": "pat"},
        "api_app_id": APP_ID,
        "trigger_id": "t1",
        "view": {**submitted, "state": {"values": state}},
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def post(
    url: str,
    body: str,
    *,
    content_type: str,
    headers: dict | None = None,
    signed: bool = True,
    timeout: float = 10,
) -> tuple[int, str, float]:
    """POST like Slack does; returns (status, body, seconds)."""
    all_headers = {
        "Content-Type": content_type,
        **(sign(body) if signed else {}),
        **(headers or {}),
    }
    request = urllib.request.Request(url, data=body.encode(), headers=all_headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), time.perf_counter() - started


def command_body(
    text: str,
    *,
    user: str = "U1",
    channel: str = "C1",
    response_url: str = "",
    channel_name: str = "general",
    trigger_id: str = "13345.t",
) -> str:
    return urllib.parse.urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "district",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": "pat",
            "command": "/edc",
            "text": text,
            "api_app_id": APP_ID,
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def event_body(event: dict, *, event_id: str = "Ev1") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )


def dm_event(text: str, *, user: str = "U1", ts: str = "1700000001.000001") -> dict:
    return {
        "type": "message",
        "channel": "D" + user.lstrip("U"),
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }


def action_body(
    action_id: str,
    value: str,
    *,
    user: str = "U1",
    channel: str = "C1",
    message_ts: str = "1700000005.000001",
    response_url: str = "",
    action_ts: str = "1700000009.1",
    state: dict | None = None,
    block_id: str = "b1",
) -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user, "username": "pat"},
        "api_app_id": APP_ID,
        "trigger_id": "t-" + action_ts,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "channel": {"id": channel},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "action_ts": action_ts,
            }
        ],
        "state": {"values": state or {}},
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


# ---- the real app, served over real HTTP in-process ---------------------------------------------


@dataclass
class Served:
    url: str
    fake: FakeSlack
    adapter: object
    bot: object
    loop: LoopThread

    def command(self, text: str, **kw) -> tuple[int, str, float]:
        kw.setdefault("response_url", self.fake.response_url())
        return post(self.url, command_body(text, **kw), content_type=FORM)

    def event(self, event: dict, *, event_id: str = "Ev1", headers: dict | None = None):
        return post(
            self.url, event_body(event, event_id=event_id), content_type=JSON, headers=headers
        )

    def action(self, action_id: str, value: str, **kw):
        kw.setdefault("response_url", self.fake.response_url("a1"))
        return post(self.url, action_body(action_id, value, **kw), content_type=FORM)

    def idle(self) -> None:
        assert self.adapter.runner.wait_idle(30), "background work did not finish"


def slack_config(api_url: str, **extra):
    from bot.config import load_config

    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": api_url,
        "SLACK_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
        **extra,
    }
    return load_config(env, env_file=None)


def serve_app(index, *, database=None, **config_extra) -> Served:
    """The Q&A-only app, or with `database` (a path) the full core: records, report dialogs,
    delivery to the supervisor channel — wired as app.py wires it."""
    from bot.engine import Bot
    from handlers.http_server import build_web_app
    from handlers.slack.bolt_app import build_slack
    from handlers.slack.surface import SlackSurface

    loop = LoopThread()
    fake = FakeSlack(loop)
    core = None
    if database is not None:
        from bot.wiring import build_core

        config = slack_config(
            fake.api_url,
            DATABASE_PATH=str(database),
            EDC_DELIVERY_RETRY_SECONDS="0.2",
            **config_extra,
        )
        core = build_core(config, index=index)
        bot = core.bot
    else:
        config = slack_config(fake.api_url, **config_extra)
        bot = Bot(index=index)
    adapter = build_slack(config, bot, core=core)
    if core is not None:
        surface = SlackSurface(adapter=adapter, socket=False)
        core.add_surface(surface)  # as app.py registers it
        core.start()
    runner, port = loop.run(start_site(build_web_app(config, slack=adapter)))
    served = Served(f"http://127.0.0.1:{port}/slack/events", fake, adapter, bot, loop)
    served._runner = runner
    served.core = core
    return served


def stop_app(served: Served) -> None:
    if served.core is not None:
        served.core.close()
    served.adapter.close()
    served.loop.run(served._runner.cleanup())
    served.fake.close()
    served.loop.stop()
