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
from bot.records.models import Draft
from bot.reports.addenda import Addenda
from bot.reports.drafts import Drafts
from bot.reports.filing import Filing, FormResult
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
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def handle(self, incoming: Incoming, command: Command) -> list[Reply] | None:
        """The Extension protocol: the replies, or None when the message is not for a form."""
        with self._lock(incoming.user.key):
            return self._router.route(incoming, command)

    def submit_form(
        self,
        incoming: Incoming,
        form_name: str,
        values: dict[str, str],
        *,
        idempotency_key: str = "",
    ) -> FormResult:
        """A whole form at once (Slack modal, Teams card): see Filing.submit_form."""
        return self.filing.submit_form(incoming, form_name, values, idempotency_key=idempotency_key)

    def welcome_back(self, incoming: Incoming) -> list[Reply]:
        """On start-up (the console): where this user was, if they have an open draft."""
        return self.drafts.welcome_back(incoming)

    def draft_reminder(self, draft: Draft, now: datetime) -> Reply:
        """The reminder the outbox worker sends for a draft left idle."""
        return self.drafts.reminder(draft, now)

    def _lock(self, key: str) -> threading.Lock:
        """One turn at a time per user: two quick messages must not race on one draft."""
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())
