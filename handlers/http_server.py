"""One aiohttp server for every HTTP surface: Slack at /slack/events, GET /healthz, and whatever
routes other adapters add (Teams: POST /api/messages) through `extra_routes`.

The Bolt app is synchronous; each Slack request is dispatched on a thread pool so the event loop
keeps accepting connections. Bolt verifies the signature (v0 HMAC-SHA256 of
"v0:{timestamp}:{body}", timestamps older than 5 minutes refused) and answers 401 itself.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack payloads are a few KB; a view submission stays well under this
Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


def build_web_app(
    config=None,
    *,
    slack=None,
    extra_routes: Iterable[Route] = (),
    dispatch_threads: int = 32,
    health: Callable[[], dict] = dict,
) -> web.Application:
    """The aiohttp application. `slack` is a handlers.slack.bolt_app.SlackAdapter (or None):
    its `app` (Bolt) handles each request; `extra_routes` are (method, path, handler) triples,
    e.g. ("POST", "/api/messages", h); `health()` adds to GET /healthz, which answers 503 while
    it says `"ready": False` (requests taken now would not be answered)."""
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_error_boundary])
    surfaces: list[str] = []
    if slack is not None:
        app.router.add_post(SLACK_PATH, _slack_handler(slack, dispatch_threads))
        surfaces.append("slack")
    for method, path, handler in extra_routes:
        app.router.add_route(method, path, handler)
        surfaces.append(path)

    async def healthz(request: web.Request) -> web.Response:
        state = {"ready": True, **health()}
        if not state["ready"]:
            return web.json_response({"status": "not ready", "surfaces": surfaces, **state}, 503)
        return web.json_response({"status": "ok", "surfaces": surfaces, **state})

    app.router.add_get("/healthz", healthz)
    return app


def slack_route(slack, threads: int = 32) -> Route:
    """POST /slack/events for `slack` (a SlackAdapter), as a route like any surface's."""
    return ("POST", SLACK_PATH, _slack_handler(slack, threads))


def _slack_handler(slack, threads: int):
    from slack_bolt.request import BoltRequest

    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="edc-slack-http")

    async def handle(request: web.Request) -> web.Response:
        body = (await request.read()).decode("utf-8", errors="replace")
        headers = {k.lower(): list(request.headers.getall(k)) for k in request.headers}
        bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
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


@web.middleware
async def _error_boundary(request: web.Request, handler):
    """Bad input gets a short JSON error, never a traceback."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        incident = uuid.uuid4().hex[:8]
        log.exception("incident %s on %s %s", incident, request.method, request.path)
        return web.json_response({"error": "internal error", "incident": incident}, status=500)


def serve(app: web.Application, *, port: int, host: str = "0.0.0.0") -> None:
    """Run until interrupted (Ctrl-C / SIGTERM)."""
    log.info("listening on http://%s:%d", host, port)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
