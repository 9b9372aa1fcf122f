"""The report dialogs as a Bot extension: routes commands and button presses to the form engine,
saves the draft after every turn, and turns outcomes into records, deliveries and receipts.

Rules (the same on every surface):
- A dialog runs only in a private conversation; started elsewhere, a short note goes where it
  was asked and the dialog itself goes to the user's DM (`Reply.to == "dm"`).
- While a draft is open, every message in the private conversation is read as an answer to the
  current question first (bot/forms/dialog.py), except the dialog commands (back, skip, edit,
  status, cancel, help, submit, resume, drafts, ack, view, start over). Text starting with "?"
  or "/edc" is always a policy question; otherwise only a reply that is not a valid answer and
  plainly is a question goes to the policy lookup. Either way the bot says it is answering a
  question, answers, and repeats the question it is waiting for.
- A command names its form (its file's `command`, bot/forms/registry.py): `/edc concern` while
  an emergency-call draft is open offers to resume that draft or start over, and "start over"
  then starts the concern notice.
- Nobody acknowledges a report they filed themselves, on any surface.
- Button values: dialog.answer "field=value", dialog.skip/dialog.edit "field", report.ack and
  report.view "<number>", form.start/form.open "<form name>" (bot/forms/menu.py); a press
  meant for an earlier question is ignored with a note, so double-clicks and stale buttons
  never answer the wrong question.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import actions
from bot.commands import Command, parse
from bot.engine import Bot
from bot.forms import strings
from bot.forms.dialog import Dialog, Settings, Turn
from bot.forms.menu import form_to_start
from bot.forms.registry import current_forms
from bot.forms.spec import FormSpec, load_form
from bot.forms.state import REVIEW, DialogState
from bot.forms.validators import Context, check
from bot.messages import Button, Buttons, Incoming, Reply, Text
from bot.records import Records
from bot.records.models import Draft, Report, Submission
from bot.supervisor_cards import Cards, reminder
from bot.timeparse import describe

NUMBER = re.compile(r"^[A-Z]+(?:-[A-Z])?-\d{4}-\d{4,}(?:-A\d+)?$")
QUESTION_PREFIX = re.compile(r"^\s*(?:\?|/?edc\b)", re.IGNORECASE)
START_OVER = frozenset(
    {"start over", "new", "new report", "start again", "restart", "start a new one", "begin again"}
)
# Saved in an open draft's context when a command named another form: "start over" starts it.
NEXT_FORM, NEXT_AMENDS = "next_form", "next_amends"
DIALOG_COMMANDS = frozenset(
    {"back", "skip", "edit", "status", "cancel", "help", "submit", "resume"}
)


@dataclass(frozen=True)
class FormResult:
    """What `submit_form` returns: per-field errors to show inline, or the receipt."""

    errors: dict[str, str] = field(default_factory=dict)
    report_number: str = ""
    replies: tuple[Reply, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


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
        self.bot = bot
        self.records = records
        self.cards = cards
        self.settings = Settings(tz=tz, late_after=late_after)
        self.destinations = destinations  # platform → [(platform, supervisor channel)]
        self.wake = wake  # tell the delivery worker something was queued
        self.can_acknowledge = can_acknowledge  # adapters decide who is a supervisor
        self.clock = clock
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # ---- the Extension protocol -----------------------------------------------------------

    def handle(self, incoming: Incoming, command: Command) -> list[Reply] | None:
        key = incoming.user.key
        with self._lock(key):
            if incoming.action is not None:
                return self._action(incoming)
            return self._text(incoming, command)

    # ---- API for adapters -----------------------------------------------------------------

    def submit_form(
        self,
        incoming: Incoming,
        form_name: str,
        values: dict[str, str],
        *,
        idempotency_key: str = "",
    ) -> FormResult:
        """A whole form at once (Slack modal, Teams card): validate every field, then file it.
        Returns per-field errors (field name → message) or the report number and receipt.
        `idempotency_key` (the adapter's: same submission = same key) makes a replay file
        nothing and say nothing new: it returns the earlier report's number, no replies."""
        form = load_form(form_name)
        now = self.clock()
        draft_id = _submission_draft(incoming.user.key, idempotency_key)
        earlier = self.records.drafts.get(draft_id) if draft_id else None
        if earlier is not None and earlier.status == "submitted":
            return FormResult(report_number=earlier.report_number)
        dialog = self._dialog(form, incoming.user.key)
        state = DialogState(form=form.name, step="", started_at=_iso(now))
        errors: dict[str, str] = {}
        for spec in form.fields:  # in order: the clock field decides whether a delay reason applies
            if spec.show_if and spec not in dialog.visible(state, now):
                continue
            raw = (values.get(spec.name) or "").strip()
            if not raw and spec.optional:
                state.answers[spec.name] = ""
                continue
            checked = check(
                spec,
                raw,
                Context(
                    now=now, tz=self.settings.tz, remembered=dialog.remembered.get(spec.name, "")
                ),
            )
            if checked.ok:
                state.answers[spec.name] = checked.value
            else:
                errors[spec.name] = checked.error
        if errors:
            return FormResult(errors=errors)
        state.step = REVIEW
        draft = self.records.drafts.create(
            user_key=incoming.user.key,
            platform=incoming.platform,
            state=state,
            now=now,
            draft_id=draft_id,
        )
        if draft.status == "submitted":  # the same submission, filed a moment ago
            return FormResult(report_number=draft.report_number)
        report = self._file(incoming, dialog, draft, state, now)
        return FormResult(report_number=report.number, replies=(self._receipt(report),))

    def welcome_back(self, incoming: Incoming) -> list[Reply]:
        """On start-up (the console): where this user was, if they have an open draft."""
        draft = self.records.drafts.open_for(incoming.user.key)
        if draft is None:
            return []
        dialog = self._dialog(load_form(draft.form), draft.user_key)
        title = dialog.title(draft.state)
        parts = [
            Text(strings.WELCOME_BACK.format(title=title), "note"),
            *dialog.prompt(draft.state, self.clock()),
        ]
        return [Reply(tuple(parts), kind="dialog", private=True)]

    def draft_reminder(self, draft: Draft, now: datetime) -> Reply:
        """The reminder the delivery worker sends for a draft left idle."""
        dialog = self._dialog(load_form(draft.form), draft.user_key)
        done, total = dialog.progress(draft.state, now)
        return reminder(title=dialog.title(draft.state), done=done, total=total)

    # ---- typed messages -------------------------------------------------------------------

    def _text(self, incoming: Incoming, command: Command) -> list[Reply] | None:
        key = incoming.user.key
        if command.name in ("ack", "view"):
            return self._supervise(incoming, command.name, command.arg)
        if command.name == "form" and load_form(command.form).amends_report:
            return self._addendum(incoming, command.form, command.arg)
        if command.name == "drafts":
            return self._drafts(key)
        draft = self.records.drafts.open_for(key)
        if command.name == "form":
            return self._start(incoming, command.form, draft)
        if draft is None:
            # With nothing open, "help" is the bot's help; other dialog commands say so.
            wanted = command.name in DIALOG_COMMANDS and command.name != "help"
            return [_note(strings.NO_DRAFTS)] if wanted else None
        if not incoming.is_private:
            return None  # answers are taken only in private; channel chatter is not an answer
        if " ".join(incoming.text.lower().strip(" .!").split()) in START_OVER:
            return self._start_over(incoming, draft)
        return self._dialog_turn(incoming, command, draft)

    def _dialog_turn(self, incoming: Incoming, command: Command, draft: Draft) -> list[Reply]:
        dialog = self._dialog(load_form(draft.form), draft.user_key)
        now = self.clock()
        draft = self._forget_next_form(draft, now)
        state = draft.state
        if QUESTION_PREFIX.match(incoming.text) and command.name not in DIALOG_COMMANDS:
            return self._question(incoming, command, dialog, state, now)
        if command.name in DIALOG_COMMANDS:
            return self._apply(incoming, draft, dialog, self._command(dialog, state, command, now))
        return self._apply(incoming, draft, dialog, dialog.answer(state, incoming.text, now))

    def _forget_next_form(self, draft: Draft, now: datetime) -> Draft:
        """Any turn but "start over" answers the offer to resume: the other form is dropped."""
        if NEXT_FORM not in draft.state.context:
            return draft
        state = replace(draft.state, context=dict(draft.state.context))
        state.context.pop(NEXT_FORM, None)
        state.context.pop(NEXT_AMENDS, None)
        self.records.drafts.save(draft.id, state, now)
        return replace(draft, state=state)

    def _command(self, dialog: Dialog, state: DialogState, command: Command, now: datetime) -> Turn:
        if command.name == "edit":
            return dialog.edit(state, command.arg, now)
        if command.name == "resume":
            return dialog.resume(state, now)
        return getattr(dialog, command.name)(state, now)

    def _question(
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
        answers = self.bot.respond(incoming, command)
        back = Text(strings.BACK_TO_FORM.format(title=title), "note")
        again = Reply((back, *dialog.prompt(state, now, brief=True)), kind="dialog", private=True)
        return [aside, *answers, again]

    # ---- buttons and form submissions ------------------------------------------------------

    def _action(self, incoming: Incoming) -> list[Reply] | None:
        action = incoming.action
        key = incoming.user.key
        start = form_to_start(action, current_forms())
        if start is not None:
            return self._start(incoming, start.name, self.records.drafts.open_for(key))
        if action.name in actions.SUPERVISOR:
            return self._supervise(incoming, action.name.partition(".")[2], action.value)
        if action.name == actions.SUBMIT_FORM:
            result = self.submit_form(incoming, action.value, action.values)
            return list(result.replies) or [_note(_errors_text(result.errors))]
        if action.name == actions.START_OVER:
            draft = self.records.drafts.open_for(key)
            if draft is None:
                wanted = action.value or current_forms().startable[0].name
                return self._start(incoming, wanted, None)
            if action.value and action.value != draft.form:
                return self._start_over(incoming, draft, action.value)
            return self._start_over(incoming, draft)
        if action.name not in actions.DIALOG and action.name != actions.RESUME:
            return None
        draft = self.records.drafts.open_for(key)
        if draft is None:
            return [self._no_open_draft(key)]
        dialog = self._dialog(load_form(draft.form), key)
        turn = self._button(dialog, draft.state, action.name, action.value)
        return self._apply(incoming, draft, dialog, turn)

    def _button(self, dialog: Dialog, state: DialogState, name: str, value: str) -> Turn:
        now = self.clock()
        if name == actions.ANSWER:
            target, _, answer = value.partition("=")
            return (
                dialog.answer(state, answer, now)
                if target == state.step
                else self._stale(dialog, state, now)
            )
        if name == actions.SKIP:
            return (
                dialog.skip(state, now) if value == state.step else self._stale(dialog, state, now)
            )
        if name == actions.EDIT:
            return dialog.edit(state, value, now)
        if name == actions.CANCEL_CONFIRM:
            return dialog.confirm_cancel(state, value == "yes", now)
        if name == actions.PENDING:
            if not state.pending:
                return self._stale(dialog, state, now)
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

    def _stale(self, dialog: Dialog, state: DialogState, now: datetime) -> Turn:
        return Turn(
            state, [Text(strings.STALE_BUTTON, "note"), *dialog.prompt(state, now, brief=True)]
        )

    # ---- turning outcomes into records -----------------------------------------------------

    def _apply(self, incoming: Incoming, draft: Draft, dialog: Dialog, turn: Turn) -> list[Reply]:
        now = self.clock()
        if turn.outcome == "cancelled":
            self.records.drafts.cancel(draft.id, actor=draft.user_key, now=now)
            return self._dialog_replies(incoming, turn.parts)
        if turn.outcome == "submit":
            report = self._file(incoming, dialog, draft, turn.state, now)
            return [self._receipt(report)]
        if turn.state is not draft.state:
            self.records.drafts.save(draft.id, turn.state, now)  # before the next question shows
        if turn.outcome == "question":
            asked = replace(incoming, text=turn.question)
            return self._question(asked, parse(turn.question), dialog, turn.state, now)
        return self._dialog_replies(incoming, turn.parts)

    def _file(
        self, incoming: Incoming, dialog: Dialog, draft: Draft, state: DialogState, now: datetime
    ) -> Report:
        form = dialog.form
        answers = dialog.final_answers(state, now)
        visible = dialog.visible(state, now)
        submission = Submission(
            draft_id=draft.id,
            form=form.name,
            title=dialog.title(state),
            number_prefix=form.number_prefix,
            amends=state.context.get("amends", ""),
            reporter_name=incoming.user_name or incoming.user_id,
            supervisor=answers.get(form.supervisor_field, "") if form.supervisor_field else "",
            event_at=dialog.event_time(state),
            started_at=datetime.fromisoformat(state.started_at),
            fields=tuple((f.name, f.label, dialog.shown(f, state)) for f in visible),
            answers=answers,
            late_reason=next((answers[f.name] for f in visible if f.show_if == "late"), ""),
            warnings=tuple(f.label for f in visible if f.warn_if and answers[f.name] == f.warn_if),
            policy_revision=self.bot.policy.revision,
            policy_sha256=self.bot.policy.sha256,
        )
        amended = self.records.reports.get(submission.amends) if submission.amends else None
        platform = amended.platform if amended else incoming.platform
        report = self.records.reports.submit(
            submission,
            user_key=draft.user_key,
            platform=platform,
            now=now,
            destinations=self.destinations(platform),
        )
        remembered = {f.name: answers[f.name] for f in visible if f.remember and answers[f.name]}
        if remembered:
            self.records.drafts.remember(draft.user_key, remembered)
        self.wake()
        return report

    def _receipt(self, report: Report) -> Reply:
        text = strings.RECEIPT.format(title=report.title, number=report.number)
        return Reply((Text(text, "success"),), kind="receipt", private=True)

    # ---- starting, resuming, addenda -------------------------------------------------------

    def _start(
        self,
        incoming: Incoming,
        form_name: str,
        draft: Draft | None,
        context: dict[str, str] | None = None,
    ) -> list[Reply]:
        form = load_form(form_name)
        if draft is not None:
            return self._offer_resume(incoming, draft, form_name, context or {})
        dialog = self._dialog(form, incoming.user.key)
        now = self.clock()
        turn = dialog.start(now, context)
        self.records.drafts.create(
            user_key=incoming.user.key, platform=incoming.platform, state=turn.state, now=now
        )
        parts = list(turn.parts)
        if form.modal and not context:  # an addendum belongs to its report: step by step only
            # Surfaces that can show the whole form at once (a Slack modal) offer it; others omit it.
            parts.append(
                Buttons((Button(strings.BUTTON_WHOLE_FORM, actions.OPEN_FORM, form.name),))
            )
        return self._dialog_replies(incoming, parts, title=dialog.title(turn.state))

    def _start_over(self, incoming: Incoming, draft: Draft, form_name: str = "") -> list[Reply]:
        """Cancel the open draft and start the form last asked for (or the same one again)."""
        context = draft.state.context
        wanted = form_name or context.get(NEXT_FORM) or draft.form
        if wanted == context.get(NEXT_FORM):
            fresh = {"amends": context[NEXT_AMENDS]} if context.get(NEXT_AMENDS) else {}
        else:
            fresh = {k: v for k, v in context.items() if k not in (NEXT_FORM, NEXT_AMENDS)}
            fresh = fresh if wanted == draft.form else {}
        self.records.drafts.cancel(draft.id, actor=draft.user_key, now=self.clock())
        return self._start(incoming, wanted, None, fresh)

    def _offer_resume(
        self, incoming: Incoming, draft: Draft, wanted: str, context: dict[str, str]
    ) -> list[Reply]:
        """A form was asked for while a draft is open: resume it, or start over with the form
        asked for (remembered in the draft, so a typed "start over" starts the right one)."""
        now = self.clock()
        dialog = self._dialog(load_form(draft.form), draft.user_key)
        state = replace(draft.state, context=dict(draft.state.context))
        state.context[NEXT_FORM] = wanted
        state.context.pop(NEXT_AMENDS, None)
        if context.get("amends"):
            state.context[NEXT_AMENDS] = context["amends"]
        self.records.drafts.save(draft.id, state, now)
        done, total = dialog.progress(draft.state, now)
        new = self._dialog(load_form(wanted), draft.user_key).title(
            DialogState(wanted, "", "", context=context)
        )
        same = wanted == draft.form and not context
        text = (strings.OPEN_DRAFT if same else strings.OPEN_DRAFT_OTHER).format(
            title=dialog.title(draft.state),
            new_title=new,
            done=done,
            total=total,
            started=describe(draft.created_at, self.settings.tz),
        )
        buttons = Buttons(
            (
                Button(strings.BUTTON_RESUME, actions.RESUME, draft.id, style="primary"),
                Button(strings.BUTTON_START_OVER, actions.START_OVER, wanted),
            )
        )
        return self._dialog_replies(
            incoming, [Text(text), buttons], title=dialog.title(draft.state)
        )

    def _addendum(self, incoming: Incoming, form_name: str, arg: str) -> list[Reply]:
        number = arg.strip().upper()
        if not NUMBER.match(number):
            return [_note(strings.ADDENDUM_WHICH)]
        report = self.records.reports.get(number)
        if report is None or report.user_key != incoming.user.key or report.amends:
            return [_note(strings.ADDENDUM_UNKNOWN.format(number=number))]
        draft = self.records.drafts.open_for(incoming.user.key)
        return self._start(incoming, form_name, draft, {"amends": number})

    def _drafts(self, key: str) -> list[Reply]:
        drafts = self.records.drafts.recent_for(key)
        if not drafts:
            return [_note(strings.NO_DRAFTS)]
        lines, now = [], self.clock()
        for draft in drafts:
            dialog = self._dialog(load_form(draft.form), key)
            done, total = dialog.progress(draft.state, now)
            lines.append(
                strings.DRAFT_LINE.format(
                    title=dialog.title(draft.state),
                    started=describe(draft.created_at, self.settings.tz),
                    done=done,
                    total=total,
                    status=draft.status,
                )
            )
        parts = [Text(strings.DRAFTS_HEADING, "heading"), Text("\n".join(lines))]
        return [Reply(tuple(parts), kind="drafts", private=True)]

    def _no_open_draft(self, key: str) -> Reply:
        """A submit or answer button pressed after the draft was filed: say where it went."""
        recent = self.records.reports.find(user_key=key)
        if recent:
            return _note(strings.ALREADY_SUBMITTED.format(number=recent[-1].number))
        return _note(strings.NO_DRAFTS)

    # ---- supervisors ----------------------------------------------------------------------

    def _supervise(self, incoming: Incoming, verb: str, arg: str) -> list[Reply]:
        number = arg.strip().upper()
        if not NUMBER.match(number):
            return [_note(strings.ACK_WHICH if verb == "ack" else strings.VIEW_WHICH)]
        if not self.can_acknowledge(incoming):
            return [_note(strings.ACK_NOT_ALLOWED if verb == "ack" else strings.VIEW_NOT_ALLOWED)]
        if self.records.reports.get(number) is None:
            return [_note(strings.ACK_UNKNOWN.format(number=number))]
        if verb == "view":
            report = self.records.reports.read(
                number, actor=incoming.user.key, via="chat", now=self.clock()
            )
            return [self.cards.full_view(report)]
        return [self._acknowledge(incoming, number)]

    def _acknowledge(self, incoming: Incoming, number: str) -> Reply:
        report = self.records.reports.get(number)
        if report.user_key == incoming.user.key:
            return _note(strings.ACK_OWN.format(number=number))
        notices = [("update", p.platform, p.destination) for p in self.records.outbox.posts(number)]
        notices.append(("notice", report.platform, report.user_id))
        report, first = self.records.reports.acknowledge(
            number,
            by_key=incoming.user.key,
            by_name=incoming.user_name or incoming.user_id,
            now=self.clock(),
            notices=notices,
        )
        self.wake()
        ack = report.acknowledgement
        if first:
            return _note(strings.ACK_DONE.format(number=number))
        return _note(
            strings.ACK_ALREADY.format(
                number=number, by=ack.by_name, at=describe(ack.at, self.settings.tz)
            )
        )

    # ---- helpers --------------------------------------------------------------------------

    def _dialog(self, form: FormSpec, key: str) -> Dialog:
        return Dialog(
            form=form, settings=self.settings, remembered=self.records.drafts.remembered(key)
        )

    def _dialog_replies(self, incoming: Incoming, parts: list, *, title: str = "") -> list[Reply]:
        """The dialog's parts, sent to the DM when the user is not in a private conversation."""
        if incoming.is_private:
            return [Reply(tuple(parts), kind="dialog", private=True)]
        note = _note(strings.PRIVATE_ONLY.format(title=title or "report"))
        return [note, Reply(tuple(parts), kind="dialog", private=True, to="dm")]

    def _lock(self, key: str) -> threading.Lock:
        """One turn at a time per user: two quick messages must not race on one draft."""
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())


def _note(text: str) -> Reply:
    return Reply((Text(text, "note"),), kind="note", private=True)


def _errors_text(errors: dict[str, str]) -> str:
    return " ".join(f"{name}: {message}" for name, message in errors.items())


def _submission_draft(user: str, idempotency_key: str) -> str:
    """The draft id a keyed submission files under: the same key (for the same user) always
    names the same draft, so the records' per-draft idempotency covers replays too."""
    if not idempotency_key:
        return ""
    return hashlib.sha256(f"{user}\n{idempotency_key}".encode()).hexdigest()[:32]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
