"""The console as a surface (handlers/surface.py): the terminal is the conversation, the
supervisor channel a log file beside the database (handlers/console_notifier.py), and whoever
sits at the terminal plays the supervisor too (`/edc ack`)."""

from __future__ import annotations

from bot.messages import Incoming
from bot.notify import Notifier
from handlers.console_notifier import CHANNEL


class ConsoleSurface:
    name = "console"
    routes = ()  # the terminal is read by handlers.console.run_console, not over HTTP

    def __init__(self, *, notifier: Notifier, destination: str = CHANNEL) -> None:
        self.notifier = notifier
        self.destination = destination

    def may_acknowledge(self, incoming: Incoming) -> bool:
        return True

    def health(self) -> dict:
        return {}

    def start(self) -> None:
        """Nothing to connect: the terminal is there."""

    def close(self) -> None:
        """Nothing held open."""
