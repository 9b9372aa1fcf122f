"""Socket Mode: apps.connections.open on the fake Web API hands out a ws://127.0.0.1 URL; a local
WebSocket server plays Slack, sends a slash-command envelope, and receives the bot's ack."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.server import serve

from bot.engine import Bot
from handlers.slack.bolt_app import build_slack
from handlers.slack.socket_mode import socket_handler
from tests.slack_support import APP_ID, TEAM, FakeSlack, LoopThread, slack_config
from tests.waiting import wait_for


class FakeSocket:
    """Slack's Socket Mode endpoint: says hello, sends envelopes, records what comes back."""

    def __init__(self, loop: LoopThread) -> None:
        self.loop = loop
        self.received: list[dict] = []
        self.connections = 0
        self._outgoing: asyncio.Queue | None = None

        async def start():
            self._outgoing = asyncio.Queue()
            server = await serve(self._session, "127.0.0.1", 0)
            return server

        self.server = loop.run(start())
        self.url = f"ws://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/link"

    async def _session(self, ws) -> None:
        self.connections += 1
        await ws.send(
            json.dumps(
                {"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}}
            )
        )

        async def pump():
            while True:
                await ws.send(json.dumps(await self._outgoing.get()))

        sender = asyncio.ensure_future(pump())
        try:
            async for raw in ws:
                self.received.append(json.loads(raw))
        finally:
            sender.cancel()

    def send(self, envelope: dict) -> None:
        self.loop.loop.call_soon_threadsafe(self._outgoing.put_nowait, envelope)

    def wait_ack(self, envelope_id: str, timeout: float = 30) -> dict | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.received:
                if message.get("envelope_id") == envelope_id:
                    return message
            time.sleep(0.02)
        return None

    def close(self) -> None:
        async def stop():
            self.server.close()
            await self.server.wait_closed()

        self.loop.run(stop())


@pytest.fixture
def socket_env(index):
    loop = LoopThread()
    fake = FakeSlack(loop)
    ws = FakeSocket(loop)
    fake.ws_url = ws.url
    config = slack_config(fake.api_url, SLACK_SIGNING_SECRET="")
    adapter = build_slack(config, Bot(index=index), socket_mode=True)
    handler = socket_handler(adapter)
    handler.connect()
    yield fake, ws, adapter
    handler.close()
    adapter.close()
    ws.close()
    fake.close()
    loop.stop()


def _command_envelope(envelope_id: str, text: str, response_url: str) -> dict:
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "district",
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": "U1",
            "user_name": "pat",
            "command": "/edc",
            "text": text,
            "api_app_id": APP_ID,
            "response_url": response_url,
            "trigger_id": "1.2.3",
        },
    }


def test_slash_command_over_socket_mode_is_acked_and_answered(socket_env):
    fake, ws, adapter = socket_env
    [opened] = fake.wait_for("apps.connections.open")
    assert opened.headers["Authorization"] == "Bearer xapp-test"  # the app token, not the bot's
    wait_for(lambda: ws.connections >= 1, what="the client to connect")
    ws.send(_command_envelope("env-1", "can I text a student?", fake.response_url("s1")))
    ack = ws.wait_ack("env-1")
    assert ack is not None, "no ack envelope came back"
    assert set(ack) <= {"envelope_id", "payload"} and not ack.get("payload")
    [answer] = fake.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert any(
        b["type"] == "section" and "\n>" in b["text"]["text"] for b in answer.params["blocks"]
    )


def test_retried_socket_envelope_for_the_same_event_answers_once(socket_env):
    fake, ws, adapter = socket_env
    fake.wait_for("apps.connections.open")
    event = {
        "type": "message",
        "channel": "D1",
        "channel_type": "im",
        "user": "U1",
        "text": "can I text a student?",
        "ts": "1700000100.1",
    }
    for attempt, envelope_id in enumerate(("env-a", "env-b")):
        ws.send(
            {
                "envelope_id": envelope_id,
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else "",
                "payload": {
                    "type": "event_callback",
                    "event_id": "EvSock",
                    "team_id": TEAM,
                    "api_app_id": APP_ID,
                    "event": event,
                },
            }
        )
        assert ws.wait_ack(envelope_id) is not None
    assert adapter.runner.wait_idle(30)  # both envelopes were acked: their work has run
    assert len(fake.of("chat.postMessage")) == 1
