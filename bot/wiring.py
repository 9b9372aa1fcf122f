"""Build the core once, the same way for every surface: index, records, bot, report dialogs,
delivery worker. app.py calls `build_core`; the Slack and Teams servers reuse it and add their
notifier with `core.add_route(...)` before `core.start()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.delivery import DeliveryWorker, Route
from bot.engine import Bot
from bot.forms.registry import use_forms
from bot.messages import Incoming
from bot.notify import Notifier
from bot.records import Records
from bot.reports_extension import ReportsExtension
from bot.supervisor_cards import Cards


@dataclass
class Core:
    bot: Bot
    records: Records
    reports: ReportsExtension
    worker: DeliveryWorker

    def add_route(self, notifier: Notifier, destination: str) -> None:
        """Send reports filed on `notifier.platform` to `destination` (a channel) through it."""
        self.worker.routes[notifier.platform] = Route(notifier=notifier, destination=destination)

    def start(self) -> None:
        self.worker.start()

    def close(self) -> None:
        self.worker.stop()
        self.records.close()


def build_core(
    config: Config, *, index=None, can_acknowledge: Callable[[Incoming], bool] | None = None
) -> Core:
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
    worker = DeliveryWorker(
        records=records,
        cards=cards,
        routes={},
        draft_reminder=lambda draft, now: None,
        ack_after=timedelta(hours=config.ack_reminder_hours),
        remind_after=timedelta(minutes=config.draft_reminder_minutes),
        retry_seconds=config.delivery_retry_seconds,
        lease_seconds=config.delivery_lease_seconds,
    )
    reports = ReportsExtension(
        bot=bot,
        records=records,
        cards=cards,
        tz=tz,
        late_after=timedelta(hours=config.report_delay_hours),
        destinations=worker.destinations,
        wake=worker.wake,
        can_acknowledge=can_acknowledge or (lambda incoming: True),
    )
    worker.draft_reminder = reports.draft_reminder
    bot.extensions.append(reports)
    return Core(bot=bot, records=records, reports=reports, worker=worker)
