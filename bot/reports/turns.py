"""One turn of an open draft: a typed answer or dialog command, a button press, or a policy
question asked mid-dialog — and what its outcome does to the records (saved before the next
question shows, cancelled, or filed).

A button meant for an earlier question (a double-click, a stale message) answers nothing: the
user is told and the current question is asked again.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from bot import actions
from bot.commands import Command, parse
from bot.forms import strings
from bot.forms.dialog import Dialog, Turn
from bot.forms.state import DialogState
from bot.messages import Action, Incoming, Reply, Text
from bot.records.models import Draft
from bot.reports.drafts import Drafts
from bot.reports.filing import Filing
from bot.reports.replies import dialog_replies, receipt
from bot.reports.services import Services

QUESTION_PREFIX = re.compile(r"^\s*(?:\?|/?edc\b)", re.IGNORECASE)
DIALOG_COMMANDS = frozenset(
    {"back", "skip", "edit", "status", "cancel", "help", "submit", "resume"}
)


class Turns:
    def __init__(self, services: Services, drafts: Drafts, filing: Filing) -> None:
        self.services = services
        self.drafts = drafts
        self.filing = filing

    def typed(self, incoming: Incoming, command: Command, draft: Draft) -> list[Reply]:
        """A message in the private conversation while `draft` is open."""
        dialog = self.services.draft_dialog(draft)
        now = self.services.clock()
        draft = self.drafts.forget_next_form(draft, now)
        state = draft.state
        if QUESTION_PREFIX.match(incoming.text) and command.name not in DIALOG_COMMANDS:
            return self.question(incoming, command, dialog, state, now)
        if command.name in DIALOG_COMMANDS:
            return self._apply(incoming, draft, dialog, _command(dialog, state, command, now))
        return self._apply(incoming, draft, dialog, dialog.answer(state, incoming.text, now))

    def pressed(self, incoming: Incoming, draft: Draft, action: Action) -> list[Reply]:
        """A dialog button (bot/actions.py DIALOG, RESUME) while `draft` is open."""
        dialog = self.services.draft_dialog(draft)
        turn = self._button(dialog, draft.state, action.name, action.value)
        return self._apply(incoming, draft, dialog, turn)

    def question(
        self,
        incoming: Incoming,
        command: Command,
        dialog: Dialog,
        state: DialogState,
        now: datetime,
    ) -> list[Reply]:
        """A policy question asked mid-dialog: say so, answer it, then repeat the question."""
        text = incoming.text.strip()
        if text.startswith("?"):
            command = parse(text[1:])
        if command.name in ("empty", "greeting", "thanks") or command.name in DIALOG_COMMANDS:
            command = Command("help")
        title = dialog.title(state)
        aside = Reply(
            (Text(strings.QUESTION_ASIDE.format(title=title), "note"),), kind="note", private=True
        )
        answers = self.services.bot.respond(incoming, command)
        back = Text(strings.BACK_TO_FORM.format(title=title), "note")
        again = Reply((back, *dialog.prompt(state, now, brief=True)), kind="dialog", private=True)
        return [aside, *answers, again]

    def _button(self, dialog: Dialog, state: DialogState, name: str, value: str) -> Turn:
        now = self.services.clock()
        if name == actions.ANSWER:
            target, _, answer = value.partition("=")
            return (
                dialog.answer(state, answer, now)
                if target == state.step
                else _stale(dialog, state, now)
            )
        if name == actions.SKIP:
            return dialog.skip(state, now) if value == state.step else _stale(dialog, state, now)
        if name == actions.EDIT:
            return dialog.edit(state, value, now)
        if name == actions.CANCEL_CONFIRM:
            return dialog.confirm_cancel(state, value == "yes", now)
        if name == actions.PENDING:
            if not state.pending:
                return _stale(dialog, state, now)
            return dialog.answer(state, value, now)
        simple = {
            actions.BACK: dialog.back,
            actions.STATUS: dialog.status,
            actions.HELP: dialog.help,
            actions.SUBMIT: dialog.submit,
            actions.CANCEL: dialog.cancel,
            actions.RESUME: dialog.resume,
        }
        return simple.get(name, dialog.resume)(state, now)

    def _apply(self, incoming: Incoming, draft: Draft, dialog: Dialog, turn: Turn) -> list[Reply]:
        """Record the turn's outcome, then answer: the draft is saved before the next question."""
        records, now = self.services.records, self.services.clock()
        if turn.outcome == "cancelled":
            records.drafts.cancel(draft.id, actor=draft.user_key, now=now)
            return dialog_replies(incoming, turn.parts)
        if turn.outcome == "submit":
            return [receipt(self.filing.file(incoming, dialog, draft, turn.state, now))]
        if turn.state is not draft.state:
            records.drafts.save(draft.id, turn.state, now)  # before the next question shows
        if turn.outcome == "question":
            asked = replace(incoming, text=turn.question)
            return self.question(asked, parse(turn.question), dialog, turn.state, now)
        return dialog_replies(incoming, turn.parts)


def _command(dialog: Dialog, state: DialogState, command: Command, now: datetime) -> Turn:
    """A typed dialog command (DIALOG_COMMANDS)."""
    if command.name == "edit":
        return dialog.edit(state, command.arg, now)
    commands = {
        "back": dialog.back,
        "skip": dialog.skip,
        "status": dialog.status,
        "cancel": dialog.cancel,
        "help": dialog.help,
        "submit": dialog.submit,
        "resume": dialog.resume,
    }
    return commands[command.name](state, now)


def _stale(dialog: Dialog, state: DialogState, now: datetime) -> Turn:
    return Turn(state, [Text(strings.STALE_BUTTON, "note"), *dialog.prompt(state, now, brief=True)])
