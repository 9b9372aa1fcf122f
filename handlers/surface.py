"""The contract every chat surface implements: Slack, Teams, the console — and the next one.

A surface is a package under handlers/ with a factory, registered by one line in
handlers/surfaces.py. app.py builds the core once (bot.wiring.build_core), asks every
registered factory for its surface, and drives them all the same way:

    surface = build_surface(config, core, mode)     # None: not configured, or not in this mode
    core.add_surface(surface)                        # its notifier, destination, ack rule
    core.start(); surface.start()
    ... serve every surface's `routes` on one HTTP server (GET /healthz adds `health()`) ...
    surface.close(); core.close()

Inside, every surface does the same four things (docs/adding-a-surface.md shows them):
translate a platform event into the core's `bot.messages.Incoming` (dropping platform noise at
the edge), call `core.bot.handle(incoming)` off the event loop, render each `Reply` the
platform's way, and place it by the core's flags alone — `Reply.private` replies reach the
asker only, `Reply.to == "dm"` ones their private conversation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.config import Config
from bot.messages import Incoming
from bot.notify import Notifier

Route = tuple[str, str, Callable[..., Awaitable]]  # (method, path, aiohttp handler)


@dataclass(frozen=True)
class Mode:
    """How app.py runs: an HTTP server (`serve`), Slack's Socket Mode (`socket`), or both."""

    http: bool
    socket: bool = False


@runtime_checkable
class Surface(Protocol):
    name: str
    """The platform: what its `Incoming.platform` and `notifier.platform` say."""

    notifier: Notifier
    """Posts to a destination (the supervisor channel) and messages one user privately; the
    outbox calls it and retries on `bot.notify.DeliveryError`."""

    destination: str
    """Where reports filed on this surface go, as its notifier names it."""

    routes: Sequence[Route]
    """HTTP routes to mount on the shared server; empty for a surface that connects out."""

    def may_acknowledge(self, incoming: Incoming) -> bool:
        """Whether the sender of `incoming` may acknowledge a report (a supervisor here)."""

    def health(self) -> dict:
        """Added to GET /healthz; `{"ready": False}` turns it into a 503."""

    def start(self) -> None:
        """Connect and check settings, once the core is started (may start threads)."""

    def close(self) -> None:
        """Finish what was taken on and let go of connections and threads."""


SurfaceFactory = Callable[[Config, object, Mode], "Surface | None"]
"""`build_surface(config, core, mode)`: the surface, or None when its settings are absent or it
has nothing to do in `mode`. Import the platform's SDK inside, after that check: surfaces that
are not used cost nothing."""
