"""The surface contract (handlers/surface.py): Slack, Teams and the console implement it, and a
new platform is one module and one registration — proven with a throwaway one written to a
temp dir, registered, served by app.py's own start-up over real HTTP and driven end to end:
a private answer, a report filed, delivered to its channel through its notifier, and
acknowledged under its own rule."""

from __future__ import annotations

import json
import textwrap
import urllib.request

import pytest

import app
from bot.config import load_config
from handlers import surfaces as registry
from handlers.console_notifier import ConsoleNotifier
from handlers.console_surface import ConsoleSurface
from handlers.surface import Mode, Surface
from tests.report_support import KEY, REPORT_ANSWERS
from tests.slack_support import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    LoopThread,
    start_site,
)

CHATX = textwrap.dedent(
    '''
    """A pretend chat platform: JSON events in, replies kept in memory by where they went."""
    import asyncio
    import threading

    from aiohttp import web

    from bot.messages import Incoming
    from bot.notify import Posted
    from bot.render_text import render


    class ChatXNotifier:
        platform = "chatx"

        def __init__(self):
            self.posts = []
            self.direct = []
            self.posted = threading.Event()

        def post(self, destination, reply, *, key):
            self.posts.append((destination, render(reply)))
            self.posted.set()
            return Posted(key)

        def update(self, destination, posted, reply):
            self.posts.append((destination, render(reply)))

        def send_direct(self, user_id, reply):
            self.direct.append((user_id, render(reply)))


    class ChatX:
        name = "chatx"

        def __init__(self, core):
            self.core = core
            self.notifier = ChatXNotifier()
            self.destination = "#bosses"
            self.routes = (("POST", "/chatx/events", self.on_event),)
            self.said = []  # (where, text): "to:<user>" the asker alone, "in:<room>" everyone
            self.started = False

        async def on_event(self, request):
            event = await request.json()
            incoming = Incoming(
                text=event["text"],
                user_id=event["user"],
                conversation_id=event["room"],
                platform="chatx",
                is_private=event["room"] == "dm",
                user_name=event["user"],
            )
            loop = asyncio.get_running_loop()
            for reply in await loop.run_in_executor(None, self.core.bot.handle, incoming):
                alone = reply.private or reply.to == "dm"
                where = f"to:{event['user']}" if alone else f"in:{event['room']}"
                self.said.append((where, render(reply)))
            return web.json_response({"ok": True})

        def may_acknowledge(self, incoming):
            return incoming.user_id == "boss"

        def health(self):
            return {"chatx_replies": len(self.said)}

        def start(self):
            self.started = True

        def close(self):
            self.started = False


    def build_surface(config, core, mode):
        return ChatX(core) if mode.http else None
    '''
)


@pytest.fixture
def chatx(tmp_path, index, monkeypatch):
    (tmp_path / "chatx_surface.py").write_text(CHATX)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "REGISTERED", {"chatx": "chatx_surface:build_surface"})
    config = load_config(
        {"DATABASE_PATH": str(tmp_path / "edc.sqlite3"), "EDC_ENCRYPTION_KEY": KEY},
        env_file=None,
    )
    running = app.start_surfaces(config, Mode(http=True), index=index)
    loop = LoopThread()
    runner, port = loop.run(start_site(running.web_app(config)))
    [surface] = running.surfaces
    yield running, surface, f"http://127.0.0.1:{port}"
    loop.run(runner.cleanup())
    loop.stop()
    running.close()
    assert surface.started is False


def _say(base: str, text: str, *, user: str = "u1", room: str = "dm") -> None:
    data = json.dumps({"text": text, "user": user, "room": room}).encode()
    request = urllib.request.Request(
        base + "/chatx/events", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_a_surface_registered_from_a_temp_dir_is_served_and_driven_end_to_end(chatx):
    running, surface, base = chatx
    assert surface.started and isinstance(surface, Surface)
    with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
        health = json.loads(response.read())
    assert health["surfaces"] == ["chatx"] and health["chatx_replies"] == 0

    _say(base, "can I text a student?", room="general")  # asked in a room: answered privately
    [(where, answer)] = surface.said
    assert where == "to:u1" and "3." in answer

    for text in ["report", *REPORT_ANSWERS, "submit"]:
        _say(base, text)
    number = surface.said[-1][1].split("number ")[1].split(".")[0]
    assert surface.notifier.posted.wait(30), "the report never reached the surface's channel"
    [(channel, card)] = surface.notifier.posts
    assert channel == "#bosses" and number in card

    _say(base, f"ack {number}", user="staff", room="general")  # the surface's rule: not a boss
    assert running.core.records.reports.get(number).acknowledgement is None
    _say(base, f"ack {number}", user="boss", room="general")
    assert running.core.records.reports.get(number).acknowledgement.by_key == "chatx:boss"


def test_slack_teams_and_the_console_implement_the_contract(tmp_path, index):
    loop = LoopThread()
    fake = FakeSlack(loop)
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_PATH": str(tmp_path / "edc.sqlite3"),
        "TEAMS_LOCAL_MODE": "1",  # Teams joins only when configured (or the Emulator asked for)
    }
    running = app.start_surfaces(load_config(env, env_file=None), Mode(http=True), index=index)
    try:
        assert [s.name for s in running.surfaces] == ["slack", "teams"]
        assert all(isinstance(s, Surface) for s in running.surfaces)
        paths = [path for s in running.surfaces for _, path, _ in s.routes]
        assert paths == ["/slack/events", "/api/messages"]
    finally:
        running.close()
        fake.close()
        loop.stop()
    console = ConsoleSurface(notifier=ConsoleNotifier(log_path=tmp_path / "log"))
    assert isinstance(console, Surface) and console.routes == ()
