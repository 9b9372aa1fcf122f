"""The facade the core registers as its extension (bot/wiring.py): it builds the parts once,
lets one turn at a time through per user, and offers the adapters what they call directly."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.commands import Command
from bot.engine import Bot
from bot.forms.dialog import Settings
from bot.messages import Incoming, Reply
from bot.records import Records
from bot.reports.addenda import Addenda
from bot.reports.drafts import Drafts
from bot.reports.filing import Filing
from bot.reports.routing import Router
from bot.reports.services import Services
from bot.reports.supervision import Supervision
from bot.reports.turns import Turns
from bot.supervisor_cards import Cards


class ReportsExtension:
    def __init__(
        self,
        *,
        bot: Bot,
        records: Records,
        cards: Cards,
        tz: ZoneInfo,
        late_after: timedelta,
        destinations: Callable[[str], list[tuple[str, str]]],
        wake: Callable[[], None] = lambda: None,
        can_acknowledge: Callable[[Incoming], bool] = lambda incoming: True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.services = Services(
            bot=bot,
            records=records,
            cards=cards,
            settings=Settings(tz=tz, late_after=late_after),
            destinations=destinations,
            wake=wake,
            can_acknowledge=can_acknowledge,
            clock=clock,
        )
        self.filing = Filing(self.services)
        self.drafts = Drafts(self.services)
        self._router = Router(
            services=self.services,
            drafts=self.drafts,
            turns=Turns(self.services, self.drafts, self.filing),
            filing=self.filing,
            addenda=Addenda(self.services, self.drafts),
            supervision=Supervision(self.services),
        )
        # What the adapters (a Slack modal, the console) and the outbox worker call directly.
        self.submit_form = self.filing.submit_form
        self.welcome_back = self.drafts.welcome_back
        self.draft_reminder = self.drafts.reminder
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def handle(self, incoming: Incoming, command: Command) -> list[Reply] | None:
        """The Extension protocol: the replies, or None when the message is not for a form."""
        with self._lock(incoming.user.key):
            return self._router.route(incoming, command)

    def _lock(self, key: str) -> threading.Lock:
        """One turn at a time per user: two quick messages must not race on one draft."""
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())
