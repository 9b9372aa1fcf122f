"""The two helper servers bench/slack_bench.py starts as their own processes (127.0.0.1 only):

    python -m bench.slack_servers fake PORT      a fake Slack Web API + response_url receiver
    python -m bench.slack_servers minimal PORT   a Bolt app that acks /edc and posts a fixed
                                                 reply to its response_url, served through
                                                 handlers/http_server.py like `app.py serve`

The fake answers what `app.py serve` calls (auth.test, conversations.info, …) and notes when
each answer POSTed to a response_url arrived (`time.monotonic()`: CLOCK_MONOTONIC, one clock
for every process on the machine, so the benchmark compares it with its own send times).
Response URLs end in `<app>-<ref>`; GET /answers?app=A&at_least=N&timeout=S waits (long poll)
until N answers for A have arrived and returns the count and the arrival times, so the
benchmark never polls in a busy loop.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from aiohttp import web

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
SUPERVISOR_CHANNEL = "GSUPER"
FIXED_REPLY = {
    "text": "Thanks, noted.",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Thanks, noted."}}],
    "response_type": "ephemeral",
}


def fake_slack() -> web.Application:
    arrivals: dict[str, dict[str, float]] = {}  # app → ref → arrival time
    bad = {"count": 0}
    arrived = asyncio.Event()

    async def api(request: web.Request) -> web.Response:
        await request.read()
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "user_id": "UB", "bot_id": "B", "team_id": "T", "user": "edc"}
            )
        if method == "conversations.info":
            return web.json_response(
                {
                    "ok": True,
                    "channel": {
                        "id": SUPERVISOR_CHANNEL,
                        "name": "edc-supervisors",
                        "is_private": True,
                        "is_member": True,
                    },
                }
            )
        if method == "conversations.members":
            return web.json_response(
                {"ok": True, "members": ["UB"], "response_metadata": {"next_cursor": ""}}
            )
        return web.json_response({"ok": True})

    async def response_url(request: web.Request) -> web.Response:
        body = await request.read()
        now = time.monotonic()
        app, _, ref = request.match_info["ref"].partition("-")
        # An answer is a JSON message with blocks; anything else is counted as bad.
        if body.startswith(b"{") and b'"blocks"' in body:
            arrivals.setdefault(app, {})[ref] = now
        else:
            bad["count"] += 1
        arrived.set()
        return web.Response(text="ok")

    async def answers(request: web.Request) -> web.Response:
        app = request.query.get("app", "")
        want = int(request.query.get("at_least", "0"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(float(request.query.get("timeout", "0")), 120)
        while len(arrivals.get(app, {})) < want:
            left = deadline - loop.time()
            if left <= 0:
                break
            arrived.clear()
            try:
                await asyncio.wait_for(arrived.wait(), left)
            except TimeoutError:
                break
        got = arrivals.get(app, {})
        return web.json_response({"answers": len(got), "bad": bad["count"], "arrivals": got})

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/{method}", api)
    app.router.add_post("/response/{ref}", response_url)
    app.router.add_get("/answers", answers)
    app.router.add_get("/healthz", healthz)
    return app


def minimal_app(api_url: str, *, workers: int) -> web.Application:
    """A Bolt app that acks `/edc` and then posts a fixed reply to its response_url — the same
    I/O as ours without the lookup: built with the options our app uses, its reply posted after
    the ack on a pool of as many threads as ours, through the same keep-alive client
    (handlers.slack.response_urls), and served by the same aiohttp code."""
    from slack_bolt import App
    from slack_sdk import WebClient

    from handlers.http_server import build_web_app
    from handlers.slack.response_urls import ResponseUrls

    app = App(
        signing_secret=SECRET,
        client=WebClient(token=BOT_TOKEN, base_url=api_url),
        token_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("minimal.bolt"),
    )
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="minimal")
    urls = ResponseUrls()

    @app.command("/edc")
    def edc(ack, body: dict) -> None:
        ack()
        pool.submit(urls.post, body["response_url"], FIXED_REPLY)

    config = SimpleNamespace(slack_signing_secret=SECRET)  # checked before Bolt, as in serve
    return build_web_app(config, slack=SimpleNamespace(app=app))


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("fake", "minimal"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, port = argv[0], int(argv[1])
    logging.basicConfig(level=logging.WARNING)
    if kind == "fake":
        web.run_app(fake_slack(), host="127.0.0.1", port=port, print=None, access_log=None)
    else:
        from handlers.http_server import serve
        from handlers.slack.work import WORKERS

        api_url = argv[2] if len(argv) > 2 else "http://127.0.0.1:9/api/"
        serve(minimal_app(api_url, workers=WORKERS), port=port, host="127.0.0.1")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
