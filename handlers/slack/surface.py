"""Slack as a surface (handlers/surface.py): over HTTP (Events API at /slack/events on the
shared server) or over Socket Mode (an outbound WebSocket, no route), never both for one
workspace. The adapter itself is built in handlers/slack/bolt_app.py."""

from __future__ import annotations

import logging
import threading

from bot.messages import Incoming
from handlers.surface import Mode

log = logging.getLogger(__name__)


class SlackSurface:
    name = "slack"

    def __init__(self, *, adapter, socket: bool) -> None:
        self.adapter = adapter  # handlers.slack.bolt_app.SlackAdapter
        self.notifier = adapter.notifier
        self.destination = adapter.config.slack_supervisor_channel
        self.routes = (
            () if socket else (_events_route(adapter, adapter.config.slack_signing_secret),)
        )
        self._socket = socket

    def may_acknowledge(self, incoming: Incoming) -> bool:
        """Members of SLACK_SUPERVISOR_CHANNEL (the core refuses everyone else, in its words)."""
        return self.adapter.supervisors.include(incoming.user_id)

    def health(self) -> dict:
        return self.adapter.health()

    def start(self) -> None:
        threading.Thread(target=self.adapter.check, name="slack-check", daemon=True).start()
        if self._socket:
            from handlers.slack.socket_mode import socket_handler

            socket_handler(self.adapter).connect()
            log.info("Slack: connected over Socket Mode")

    def close(self) -> None:
        self.adapter.close()


def _events_route(adapter, signing_secret: str):
    from handlers.http_server import slack_route

    return slack_route(adapter, signing_secret)


def build_surface(config, core, mode: Mode) -> SlackSurface | None:
    if not (mode.socket or (mode.http and config.slack_enabled)):
        if mode.http:
            log.info(
                "Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): "
                "/slack/events is off"
            )
        return None
    from handlers.slack.bolt_app import build_slack

    adapter = build_slack(config, core.bot, socket_mode=mode.socket, core=core)
    return SlackSurface(adapter=adapter, socket=mode.socket)
