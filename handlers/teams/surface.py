"""Teams as a surface (handlers/surface.py): Bot Framework activities at /api/messages on the
shared HTTP server. The adapter itself is built in handlers/teams/server.py."""

from __future__ import annotations

from bot.messages import Incoming
from handlers.surface import Mode


class TeamsSurface:
    name = "teams"

    def __init__(self, *, teams) -> None:
        self.teams = teams  # handlers.teams.server.TeamsApp
        self.notifier = teams.notifier
        self.destination = teams.destination
        self.routes = tuple(teams.routes)

    def may_acknowledge(self, incoming: Incoming) -> bool:
        """Clicks and messages from the supervisor channel."""
        return self.teams.in_supervisor_channel(incoming)

    def health(self) -> dict:
        problem = self.teams.health()  # e.g. the signing keys can't be fetched
        return {"problems": [problem]} if problem else {}

    def start(self) -> None:
        """Nothing to connect: Teams calls us."""

    def close(self) -> None:
        self.teams.close()


def build_surface(config, core, mode: Mode) -> TeamsSurface | None:
    if not (mode.http and config.teams_enabled):
        return None  # /api/messages is served only with credentials or local mode asked for
    from handlers.teams.references import ReferenceStore
    from handlers.teams.server import build_teams

    store = ReferenceStore(storage=core.records.storage)
    return TeamsSurface(teams=build_teams(core=core.bot, config=config, store=store))
