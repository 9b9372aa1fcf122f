"""Build the core once, the same way for every surface: index, records, bot, report dialogs,
delivery worker — and the registry through which surfaces join it.

app.py calls `build_core`, then `core.add_surface(...)` for each configured surface (see
handlers/surface.py for the whole contract), then `core.start()`. Nothing is patched after it
is built: the report dialogs and the delivery worker read the same `Surfaces` registry, which
`add_surface` fills.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.engine import Bot
from bot.forms.registry import use_forms
from bot.messages import Incoming
from bot.notify import Notifier
from bot.outbox_worker import DeliveryWorker, Route
from bot.records import Records
from bot.reports import ReportsExtension
from bot.supervisor_cards import Cards


class Joins(Protocol):
    """What the core needs of a surface (handlers.surface.Surface has the rest)."""

    name: str  # the platform: Incoming.platform and Notifier.platform
    notifier: Notifier
    destination: str  # where reports filed on this platform go (its supervisor channel)

    def may_acknowledge(self, incoming: Incoming) -> bool: ...


@dataclass
class Surfaces:
    """The registered surfaces: where each platform's reports go, and who may acknowledge them."""

    routes: dict[str, Route] = field(default_factory=dict)  # the delivery worker reads these
    _joined: dict[str, Joins] = field(default_factory=dict)

    def add(self, surface: Joins) -> None:
        self._joined[surface.name] = surface
        self.routes[surface.name] = Route(
            notifier=surface.notifier, destination=surface.destination
        )

    def destinations(self, platform: str) -> list[tuple[str, str]]:
        """Where a report filed on `platform` goes: that platform's channel, else every channel."""
        if platform in self.routes:
            return [(platform, self.routes[platform].destination)]
        return [(name, route.destination) for name, route in self.routes.items()]

    def may_acknowledge(self, incoming: Incoming) -> bool:
        """The surface the click came from decides; from an unregistered platform, nobody."""
        surface = self._joined.get(incoming.platform)
        return surface is not None and surface.may_acknowledge(incoming)


@dataclass
class Core:
    bot: Bot
    records: Records
    reports: ReportsExtension
    worker: DeliveryWorker
    surfaces: Surfaces

    def add_surface(self, surface: Joins) -> None:
        """Register a surface: reports filed on it go to its destination through its notifier,
        and it decides who may acknowledge there."""
        self.surfaces.add(surface)

    def start(self) -> None:
        self.worker.start()

    def close(self) -> None:
        self.worker.stop()
        self.records.close()


def build_core(config: Config, *, index=None) -> Core:
    """Everything but the surfaces. Opens the database (creating and migrating it)."""
    use_forms(config.forms_dir)  # before anything reads a form: a bad file stops start-up
    if index is None:
        from knowledge.bundle import load_bundle
        from knowledge.search import build_index

        index = build_index(bundle=load_bundle(config.policy_dir))
    tz = ZoneInfo(config.timezone)
    records = Records.open(
        path=config.database_path,
        key=config.encryption_key,
        timezone=config.timezone,
        witness_path=config.audit_witness,
    )
    bot = Bot(index=index, qa_log=records.qa_log)
    cards = Cards(tz=tz, mode=config.delivery_mode)
    surfaces = Surfaces()
    wakeup = threading.Event()  # set when something was queued in the outbox
    reports = ReportsExtension(
        bot=bot,
        records=records,
        cards=cards,
        tz=tz,
        late_after=timedelta(hours=config.report_delay_hours),
        destinations=surfaces.destinations,
        wake=wakeup.set,
        can_acknowledge=surfaces.may_acknowledge,
    )
    worker = DeliveryWorker(
        records=records,
        cards=cards,
        routes=surfaces.routes,
        draft_reminder=reports.draft_reminder,
        ack_after=timedelta(hours=config.ack_reminder_hours),
        remind_after=timedelta(minutes=config.draft_reminder_minutes),
        retry_seconds=config.delivery_retry_seconds,
        lease_seconds=config.delivery_lease_seconds,
        wakeup=wakeup,
    )
    bot.extensions.append(reports)
    return Core(bot=bot, records=records, reports=reports, worker=worker, surfaces=surfaces)
