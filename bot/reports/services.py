"""What every part of the report dialogs uses, built once by the facade (extension.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.engine import Bot
from bot.forms.dialog import Dialog, Settings
from bot.forms.spec import FormSpec, load_form
from bot.messages import Incoming
from bot.records import Records
from bot.records.models import Draft
from bot.supervisor_cards import Cards


@dataclass
class Services:
    bot: Bot  # answers a policy question asked mid-dialog
    records: Records
    cards: Cards
    settings: Settings
    destinations: Callable[[str], list[tuple[str, str]]]  # platform → [(platform, channel)]
    wake: Callable[[], None]  # tell the outbox worker something was queued
    can_acknowledge: Callable[[Incoming], bool]  # the surface decides who is a supervisor
    clock: Callable[[], datetime]

    def dialog(self, form: FormSpec, user_key: str) -> Dialog:
        """The form's dialog for this user, with the answers they asked to be remembered."""
        return Dialog(
            form=form, settings=self.settings, remembered=self.records.drafts.remembered(user_key)
        )

    def draft_dialog(self, draft: Draft) -> Dialog:
        return self.dialog(load_form(draft.form), draft.user_key)
