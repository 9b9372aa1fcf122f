"""One aiohttp server for every HTTP surface: Slack at /slack/events, GET /healthz, and whatever
routes other adapters add (Teams: POST /api/messages) through `extra_routes`.

Hostile until verified. A Slack request's headers are checked first and its signature over the
raw body next (handlers/slack/request_check.py); only then is the body parsed and handed to
Bolt, which is synchronous and runs on a thread pool so the event loop keeps accepting. Bodies
are read with a size and a time limit. `serve` closes connections that send no complete request
within IDLE_SECONDS (slow headers included), keeps at most EDC_MAX_CONNECTIONS open (closing
the oldest idle one to make room), and logs a repeated line only a few times a minute.

GET /healthz answers 200 with {"status": "ok"} or {"status": "degraded", "problems": [...]}
naming a stuck dependency (e.g. Teams' signing keys, a held delivery): the server itself still
answers, so a load balancer keeps it; monitoring should alert on "degraded". It answers 503
{"status": "not ready"} only while a surface could not answer what it accepted (e.g. Slack's
answer threads not running yet).
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from bot.incidents import log_incident
from handlers.log_limit import limit_repeated_logs

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack payloads are a few KB; a view submission stays well under this
BODY_SECONDS = 10.0  # the whole body must arrive within this, however it trickles
IDLE_SECONDS = 15.0  # a connection with no complete request for this long is closed
ACCEPT_BACKLOG = 32  # pending connections the kernel queues; asyncio accepts this many at once
MAX_HEADER_LINE = 8190  # one request or header line; more is a 400 (aiohttp's default)
Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]
HealthCheck = Callable[[], "str | None"]


class _Connections:
    """What the middleware learns about connections (aiohttp's RequestHandler objects), for
    ConnectionGuard: which are answering a request now, which have sent one at all."""

    def __init__(self) -> None:
        self.busy: set = set()
        self.served: set = set()
        self.server: web.Server | None = None  # set by ConnectionGuard

    def prune(self) -> None:
        """Forget closed connections (called now and then, so the set stays small)."""
        if self.server is not None:
            self.served.intersection_update(self.server.connections)


CONNECTIONS = web.AppKey("connections", _Connections)


def build_web_app(
    config=None,
    *,
    slack=None,
    extra_routes: Iterable[Route] = (),
    dispatch_threads: int = 32,
    health: Callable[[], dict] = dict,
    health_checks: Iterable[HealthCheck] = (),
) -> web.Application:
    """The aiohttp application. `slack` is a handlers.slack.bolt_app.SlackAdapter (or None):
    its `app` (Bolt) handles each request; `extra_routes` are (method, path, handler) triples,
    e.g. ("POST", "/api/messages", h). GET /healthz: `health()` adds its state (503 while it says
    `"ready": False`: requests taken now would not be answered; its `"problems"` make the status
    "degraded"); `health_checks` return None when their dependency is fine, else what is wrong."""
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_track_busy, _error_boundary])
    app[CONNECTIONS] = _Connections()
    surfaces: list[str] = []
    if slack is not None:
        secret = config.slack_signing_secret if config is not None else ""
        app.router.add_post(SLACK_PATH, _slack_handler(slack, secret, dispatch_threads))
        surfaces.append("slack")
    for method, path, handler in extra_routes:
        app.router.add_route(method, path, handler)
        surfaces.append(path)
    checks = list(health_checks)

    async def healthz(request: web.Request) -> web.Response:
        state = {"ready": True, **health()}
        problems = [*state.pop("problems", ()), *(p for p in map(_run_check, checks) if p)]
        body = {"surfaces": surfaces, **state, "problems": problems}
        if not state["ready"]:
            return web.json_response({"status": "not ready", **body}, status=503)
        return web.json_response({"status": "degraded" if problems else "ok", **body})

    app.router.add_get("/healthz", healthz)
    return app


def _run_check(check: HealthCheck) -> str | None:
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 — a broken check is itself a problem to report
        return f"health check failed: {type(exc).__name__}"


async def read_body(request: web.Request, *, limit: int = MAX_BODY) -> bytes:
    """The request body, at most `limit` bytes and within BODY_SECONDS, or an HTTP error:
    413 (too large, refused before reading when Content-Length says so), 408 (too slow)."""
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)

    async def read() -> bytes:
        chunks, size = [], 0
        while chunk := await request.content.read(65536):
            size += len(chunk)
            if size > limit:
                raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(read(), BODY_SECONDS)
    except TimeoutError:
        raise web.HTTPRequestTimeout(text="the request body did not arrive in time") from None


def slack_route(slack, signing_secret: str, threads: int = 32) -> Route:
    """POST /slack/events for `slack` (a SlackAdapter), as a route like any surface's."""
    return ("POST", SLACK_PATH, _slack_handler(slack, signing_secret, threads))


def _slack_handler(slack, signing_secret: str, threads: int):
    from slack_bolt.request import BoltRequest

    from handlers.slack.request_check import body_problem, header_problem, signed_by

    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="edc-slack-http")

    async def handle(request: web.Request) -> web.Response:
        problem = header_problem(request.headers, now=time.time())
        if problem:  # refused before a byte of the body is read
            return _refuse(401, "invalid request: " + problem)
        body = await read_body(request)
        if not signing_secret or not signed_by(signing_secret, body, request.headers):
            return _refuse(401, "invalid request: the signature does not match")
        problem = body_problem(body, request.content_type)
        if problem:
            return _refuse(415 if "content type" in problem else 400, "bad request: " + problem)
        headers = {k.lower(): list(request.headers.getall(k)) for k in request.headers}
        bolt_request = BoltRequest(
            body=body.decode("utf-8"), query=request.query_string, headers=headers
        )
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(pool, slack.app.dispatch, bolt_request)
        content_type = response.headers.pop(
            "content-type", ["application/json" if response.body.startswith("{") else "text/plain"]
        )[0]
        return web.Response(
            status=response.status,
            body=response.body,
            headers=response.first_headers_without_set_cookie(),
            content_type=re.sub(r";\s*charset=utf-8", "", content_type),
        )

    return handle


def _refuse(status: int, message: str) -> web.Response:
    """An error answer that also closes the connection: whatever else the sender had queued
    on it (the rest of a body we never read) is not worth reading."""
    response = web.json_response({"error": message}, status=status)
    response.force_close()
    return response


@web.middleware
async def _track_busy(request: web.Request, handler):
    """Mark the connection busy while a request is handled: `serve` never closes it for room."""
    connections = request.app[CONNECTIONS]
    connections.busy.add(request.protocol)
    connections.served.add(request.protocol)
    if len(connections.served) > 4096:
        connections.prune()
    try:
        return await handler(request)
    finally:
        connections.busy.discard(request.protocol)


@web.middleware
async def _error_boundary(request: web.Request, handler):
    """Bad input gets a short JSON error, never a traceback."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        text = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        response = _refuse(exc.status, text)
        if "Allow" in exc.headers:  # a 405 names the methods that are allowed
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        incident = log_incident(log, "on %s %s", request.method, request.path)
        return web.json_response({"error": "internal error", "incident": incident}, status=500)


class ConnectionGuard:
    """A protocol factory for loop.create_server: aiohttp's, plus a cap on open connections.
    At the cap one connection is closed to make room: the oldest that never sent a request
    (idle or half-open: what a flood leaves), else the oldest idle kept-alive one. A request
    being answered is never cut off; when every connection is busy, the new one is refused."""

    def __init__(self, server: web.Server, app: web.Application, *, limit: int) -> None:
        self._server = server
        self._known = app[CONNECTIONS]
        self._known.server = server
        self.limit = limit
        self.closed_for_room = 0

    def __call__(self):
        connections = [c for c in self._server.connections if c.transport is not None]
        if len(connections) >= self.limit:
            self._known.prune()
            idle = [c for c in connections if c not in self._known.busy]
            victim = next((c for c in idle if c not in self._known.served), None) or next(
                iter(idle), None
            )
            if victim is None:  # every one is answering a request: refuse rather than run
                log.warning("HTTP: %d connections busy, refused a new one", self.limit)
                return _Refuse()  # out of files, which would stop accepting altogether
            victim.force_close()
            self.closed_for_room += 1
            log.warning("HTTP: %d connections open, closed the oldest idle one", self.limit)
        return self._server()


class _Refuse(asyncio.Protocol):
    def connection_made(self, transport) -> None:
        transport.close()


def serve(
    app: web.Application, *, port: int, host: str = "0.0.0.0", max_connections: int = 512
) -> None:
    """Run until interrupted (Ctrl-C / SIGTERM)."""
    limit_repeated_logs()
    asyncio.run(_serve(app, host=host, port=port, max_connections=max_connections))


async def _serve(app: web.Application, *, host: str, port: int, max_connections: int) -> None:
    runner = web.AppRunner(
        app,
        access_log=None,
        keepalive_timeout=IDLE_SECONDS,  # aiohttp starts this clock on connect, too
        max_line_size=MAX_HEADER_LINE,
        max_field_size=MAX_HEADER_LINE,
    )
    await runner.setup()
    # asyncio accepts up to `backlog` sockets at a time before any connection is counted or
    # closed for room: keep that many (a few times over) plus the process's own files spare.
    limit = max(8, min(max_connections, _open_files_limit() - 64 - 4 * ACCEPT_BACKLOG))
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(
        ConnectionGuard(runner.server, app, limit=limit), host, port, backlog=ACCEPT_BACKLOG
    )
    log.info("listening on http://%s:%d (at most %d connections)", host, port, limit)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        listener.close()
        await runner.cleanup()


def _open_files_limit() -> int:
    """The open-files limit, raised to the hard limit: every connection is a file."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            target = 65536 if hard == resource.RLIM_INFINITY else hard
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        return soft
    except (ImportError, ValueError, OSError):  # no `resource` (Windows), or not allowed
        return 1024
