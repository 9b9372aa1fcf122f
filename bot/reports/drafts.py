"""Drafts: starting a form, offering to resume the open draft or start over, listing a user's
drafts, welcoming them back, and the reminder for a draft left idle.

One draft is open per user. A form asked for while one is open is remembered in the open
draft's context (NEXT_FORM), so a typed "start over" starts the form last asked for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import actions
from bot.forms import strings
from bot.forms.registry import current_forms
from bot.forms.spec import load_form
from bot.forms.state import DialogState
from bot.messages import Button, Buttons, Incoming, Reply, Text
from bot.records.models import Draft
from bot.reports.replies import dialog_replies, note
from bot.reports.services import Services
from bot.supervisor_cards import reminder
from bot.timeparse import describe

START_OVER_WORDS = frozenset(
    {"start over", "new", "new report", "start again", "restart", "start a new one", "begin again"}
)
# Saved in an open draft's context when a command named another form: "start over" starts it.
NEXT_FORM, NEXT_AMENDS = "next_form", "next_amends"


def says_start_over(text: str) -> bool:
    return " ".join(text.lower().strip(" .!").split()) in START_OVER_WORDS


class Drafts:
    def __init__(self, services: Services) -> None:
        self.services = services

    def start(
        self,
        incoming: Incoming,
        form_name: str,
        draft: Draft | None,
        context: dict[str, str] | None = None,
    ) -> list[Reply]:
        """Start `form_name` (with `context`, e.g. the report an addendum amends), or, with a
        draft open, offer to resume it or start over."""
        s = self.services
        form = load_form(form_name)
        if draft is not None:
            return self._offer_resume(incoming, draft, form_name, context or {})
        dialog = s.dialog(form, incoming.user.key)
        now = s.clock()
        turn = dialog.start(now, context)
        s.records.drafts.create(
            user_key=incoming.user.key, platform=incoming.platform, state=turn.state, now=now
        )
        parts = list(turn.parts)
        if form.modal and not context:  # an addendum belongs to its report: step by step only
            # Surfaces that can show the whole form at once (a Slack modal) offer it; others omit it.
            parts.append(
                Buttons((Button(strings.BUTTON_WHOLE_FORM, actions.OPEN_FORM, form.name),))
            )
        return dialog_replies(incoming, parts, title=dialog.title(turn.state))

    def start_over_pressed(self, incoming: Incoming, form_name: str) -> list[Reply]:
        """The "start over" button (its value: the form asked for, may be empty)."""
        draft = self.services.records.drafts.open_for(incoming.user.key)
        if draft is None:
            wanted = form_name or current_forms().startable[0].name
            return self.start(incoming, wanted, None)
        if form_name and form_name != draft.form:
            return self.start_over(incoming, draft, form_name)
        return self.start_over(incoming, draft)

    def start_over(self, incoming: Incoming, draft: Draft, form_name: str = "") -> list[Reply]:
        """Cancel the open draft and start the form last asked for (or the same one again)."""
        context = draft.state.context
        wanted = form_name or context.get(NEXT_FORM) or draft.form
        if wanted == context.get(NEXT_FORM):
            fresh = {"amends": context[NEXT_AMENDS]} if context.get(NEXT_AMENDS) else {}
        else:
            fresh = {k: v for k, v in context.items() if k not in (NEXT_FORM, NEXT_AMENDS)}
            fresh = fresh if wanted == draft.form else {}
        self.services.records.drafts.cancel(
            draft.id, actor=draft.user_key, now=self.services.clock()
        )
        return self.start(incoming, wanted, None, fresh)

    def forget_next_form(self, draft: Draft, now: datetime) -> Draft:
        """Any turn but "start over" answers the offer to resume: the other form is dropped."""
        if NEXT_FORM not in draft.state.context:
            return draft
        state = replace(draft.state, context=dict(draft.state.context))
        state.context.pop(NEXT_FORM, None)
        state.context.pop(NEXT_AMENDS, None)
        self.services.records.drafts.save(draft.id, state, now)
        return replace(draft, state=state)

    def _offer_resume(
        self, incoming: Incoming, draft: Draft, wanted: str, context: dict[str, str]
    ) -> list[Reply]:
        """A form was asked for while a draft is open: resume it, or start over with the form
        asked for (remembered in the draft, so a typed "start over" starts the right one)."""
        s = self.services
        now = s.clock()
        dialog = s.draft_dialog(draft)
        state = replace(draft.state, context=dict(draft.state.context))
        state.context[NEXT_FORM] = wanted
        state.context.pop(NEXT_AMENDS, None)
        if context.get("amends"):
            state.context[NEXT_AMENDS] = context["amends"]
        s.records.drafts.save(draft.id, state, now)
        done, total = dialog.progress(draft.state, now)
        new = s.dialog(load_form(wanted), draft.user_key).title(
            DialogState(wanted, "", "", context=context)
        )
        same = wanted == draft.form and not context
        text = (strings.OPEN_DRAFT if same else strings.OPEN_DRAFT_OTHER).format(
            title=dialog.title(draft.state),
            new_title=new,
            done=done,
            total=total,
            started=describe(draft.created_at, s.settings.tz),
        )
        buttons = Buttons(
            (
                Button(strings.BUTTON_RESUME, actions.RESUME, draft.id, style="primary"),
                Button(strings.BUTTON_START_OVER, actions.START_OVER, wanted),
            )
        )
        return dialog_replies(incoming, [Text(text), buttons], title=dialog.title(draft.state))

    def listing(self, user_key: str) -> list[Reply]:
        """`/edc drafts`: the user's recent drafts that were not filed, with their progress."""
        s = self.services
        drafts = s.records.drafts.recent_for(user_key)
        if not drafts:
            return [note(strings.NO_DRAFTS)]
        lines, now = [], s.clock()
        for draft in drafts:
            dialog = s.draft_dialog(draft)
            done, total = dialog.progress(draft.state, now)
            lines.append(
                strings.DRAFT_LINE.format(
                    title=dialog.title(draft.state),
                    started=describe(draft.created_at, s.settings.tz),
                    done=done,
                    total=total,
                    status=draft.status,
                )
            )
        parts = [Text(strings.DRAFTS_HEADING, "heading"), Text("\n".join(lines))]
        return [Reply(tuple(parts), kind="drafts", private=True)]

    def none_open(self, user_key: str) -> Reply:
        """A submit or answer button pressed after the draft was filed: say where it went."""
        recent = self.services.records.reports.find(user_key=user_key)
        if recent:
            return note(strings.ALREADY_SUBMITTED.format(number=recent[-1].number))
        return note(strings.NO_DRAFTS)

    def welcome_back(self, incoming: Incoming) -> list[Reply]:
        """On start-up (the console): where this user was, if they have an open draft."""
        draft = self.services.records.drafts.open_for(incoming.user.key)
        if draft is None:
            return []
        dialog = self.services.draft_dialog(draft)
        title = dialog.title(draft.state)
        parts = [
            Text(strings.WELCOME_BACK.format(title=title), "note"),
            *dialog.prompt(draft.state, self.services.clock()),
        ]
        return [Reply(tuple(parts), kind="dialog", private=True)]

    def reminder(self, draft: Draft, now: datetime) -> Reply:
        """The reminder the outbox worker sends for a draft left idle."""
        dialog = self.services.draft_dialog(draft)
        done, total = dialog.progress(draft.state, now)
        return reminder(title=dialog.title(draft.state), done=done, total=total)
