"""Routing: which part of the report dialogs a typed command or a button press goes to, or
None when it is not theirs (the bot's Q&A answers it then)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import actions
from bot.commands import Command
from bot.forms import strings
from bot.forms.menu import form_to_start
from bot.forms.registry import current_forms
from bot.forms.spec import load_form
from bot.messages import Incoming, Reply
from bot.reports.addenda import Addenda
from bot.reports.drafts import Drafts, says_start_over
from bot.reports.filing import Filing, errors_text
from bot.reports.replies import note
from bot.reports.services import Services
from bot.reports.supervision import ACK, VIEW, Supervision
from bot.reports.turns import DIALOG_COMMANDS, Turns

_SUPERVISOR_VERBS = {actions.ACKNOWLEDGE: ACK, actions.VIEW: VIEW}


@dataclass(frozen=True, kw_only=True)
class Router:
    services: Services
    drafts: Drafts
    turns: Turns
    filing: Filing
    addenda: Addenda
    supervision: Supervision

    def route(self, incoming: Incoming, command: Command) -> list[Reply] | None:
        if incoming.action is not None:
            return self._action(incoming)
        return self._text(incoming, command)

    def _text(self, incoming: Incoming, command: Command) -> list[Reply] | None:
        key = incoming.user.key
        if command.name in (ACK, VIEW):
            return self.supervision.handle(incoming, command.name, command.arg)
        if command.name == "form" and load_form(command.form).amends_report:
            return self.addenda.start(incoming, command.form, command.arg)
        if command.name == "drafts":
            return self.drafts.listing(key)
        if command.name == "form":
            return self.drafts.start(
                incoming, command.form, self.services.records.drafts.open_for(key)
            )
        if not incoming.is_private and command.name not in DIALOG_COMMANDS:
            return None  # channel chatter is never a dialog answer: no need to look for a draft
        draft = self.services.records.drafts.open_for(key)
        if draft is None:
            # With nothing open, "help" is the bot's help; other dialog commands say so.
            wanted = command.name in DIALOG_COMMANDS and command.name != "help"
            return [note(strings.NO_DRAFTS)] if wanted else None
        if not incoming.is_private:
            return None  # answers are taken only in private; channel chatter is not an answer
        if says_start_over(incoming.text):
            return self.drafts.start_over(incoming, draft)
        return self.turns.typed(incoming, command, draft)

    def _action(self, incoming: Incoming) -> list[Reply] | None:
        action = incoming.action
        key = incoming.user.key
        start = form_to_start(action, current_forms())
        if start is not None:
            return self.drafts.start(
                incoming, start.name, self.services.records.drafts.open_for(key)
            )
        if action.name in _SUPERVISOR_VERBS:
            return self.supervision.handle(incoming, _SUPERVISOR_VERBS[action.name], action.value)
        if action.name == actions.SUBMIT_FORM:
            result = self.filing.submit_form(incoming, action.value, action.values)
            return list(result.replies) or [note(errors_text(result.errors))]
        if action.name == actions.START_OVER:
            return self.drafts.start_over_pressed(incoming, action.value)
        if action.name not in actions.DIALOG and action.name != actions.RESUME:
            return None
        draft = self.services.records.drafts.open_for(key)
        if draft is None:
            return [self.drafts.none_open(key)]
        return self.turns.pressed(incoming, draft, action)
