"""The two helper servers bench/slack_bench.py starts as their own processes (127.0.0.1 only):

    python -m bench.slack_servers fake PORT      a fake Slack Web API + response_url receiver
    python -m bench.slack_servers minimal PORT   a Bolt app that only acks /edc, served through
                                                 handlers/http_server.py like `app.py serve`

The fake answers what `app.py serve` calls (auth.test, conversations.info, …) and counts the
answers POSTed to its response_url; GET /answers?at_least=N&timeout=S waits (long poll) until
N answers have arrived and returns the count, so the benchmark never polls in a busy loop.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from types import SimpleNamespace

from aiohttp import web

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
SUPERVISOR_CHANNEL = "GSUPER"


def fake_slack() -> web.Application:
    state = {"answers": 0, "bad": 0}
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
        # An answer is a JSON message with blocks; anything else is counted as bad.
        if body.startswith(b"{") and b'"blocks"' in body:
            state["answers"] += 1
        else:
            state["bad"] += 1
        arrived.set()
        return web.Response(text="ok")

    async def answers(request: web.Request) -> web.Response:
        want = int(request.query.get("at_least", "0"))
        deadline = asyncio.get_running_loop().time() + min(
            float(request.query.get("timeout", "0")), 60
        )
        while state["answers"] < want:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            arrived.clear()
            try:
                await asyncio.wait_for(arrived.wait(), left)
            except TimeoutError:
                break
        return web.json_response(state)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/{method}", api)
    app.router.add_post("/response/{ref}", response_url)
    app.router.add_get("/answers", answers)
    app.router.add_get("/healthz", healthz)
    return app


def minimal_app(api_url: str) -> web.Application:
    """A Bolt app that only acks `/edc`, built with the options our app uses and served by the
    same aiohttp code (handlers.http_server.build_web_app: same thread pool dispatch)."""
    from slack_bolt import App
    from slack_sdk import WebClient

    from handlers.http_server import build_web_app

    app = App(
        signing_secret=SECRET,
        client=WebClient(token=BOT_TOKEN, base_url=api_url),
        token_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("minimal.bolt"),
    )
    app.command("/edc")(lambda ack: ack())
    config = SimpleNamespace(slack_signing_secret=SECRET)  # checked before Bolt, as in serve
    return build_web_app(config, slack=SimpleNamespace(app=app, after_request=lambda: None))


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("fake", "minimal"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, port = argv[0], int(argv[1])
    logging.basicConfig(level=logging.WARNING)
    if kind == "fake":
        # The fake stands in for Slack's servers, whose work (receiving our answers) is not on
        # our machine in production: it runs only on CPU time both apps leave idle. Otherwise it
        # takes its share of the cores from our app alone (the minimal app posts no answers).
        from handlers.slack.worker_process import run_when_idle

        run_when_idle("the fake Slack")
        web.run_app(fake_slack(), host="127.0.0.1", port=port, print=None, access_log=None)
    else:
        from handlers.http_server import serve

        api_url = argv[2] if len(argv) > 2 else "http://127.0.0.1:9/api/"
        serve(minimal_app(api_url), port=port, host="127.0.0.1")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
