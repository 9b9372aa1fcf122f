"""The form engine: one pure function per thing a user can do at a step.

Each method takes a DialogState and returns a `Turn`: the new state, the parts to show, and an
outcome ("submit" when the user confirmed the review, "cancelled" when they confirmed cancel).
Nothing here stores or sends anything; bot/reports/turns.py saves the state after every
turn and acts on outcomes. The next question is always the first visible field not yet answered,
so back, edit and conditional fields (the delay reason) need no bookkeeping of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import actions
from bot.commands import is_question, wants_lookup
from bot.forms import privacy, strings
from bot.forms.meaning import normalise, yes_or_no
from bot.forms.spec import FieldSpec, FormSpec
from bot.forms.state import CONFIRM_CANCEL, REVIEW, DialogState
from bot.forms.validators import Checked, Context, check, display
from bot.messages import Button, Buttons, Fields, Footer, Part, Prompt, Text
from bot.timeparse import describe, elapsed

YES_NO_CHOICES = (("yes", strings.YES), ("no", strings.NO))
FREE_TEXT = frozenset({"text", "long_text"})
# Replies at the review that mean "send it".
SUBMIT_WORDS = frozenset(
    [
        "submit",
        "send",
        "yes",
        "y",
        "yep",
        "yeah",
        "ok",
        "okay",
        "sure",
        "done",
        "confirm",
        "confirmed",
        "correct",
        "go",
        "finish",
        "file",
    ]
    + [
        "send it",
        "submit it",
        "looks good",
        "look good",
        "all good",
        "looks right",
        "looks fine",
        "that's right",
        "thats right",
        "that's fine",
        "go ahead",
        "send the report",
        "submit the report",
        "yes send",
        "yes send it",
        "yes submit",
        "yes please",
        "ok send",
        "ok send it",
        "i'm done",
        "im done",
        "all done",
        "file it",
        "lgtm",
    ]
)
# While editing a field that has an answer: an empty reply or one of these keeps it.
KEEP_WORDS = frozenset({"keep", "keep it", "same as before", "no change", "unchanged", "as is"})
# After "answer or ask?": which of the two the reply chose.
ANSWER_WORDS = frozenset(
    ["answer", "save", "keep", "yes", "y", "mine"]
    + ["my answer", "it's my answer", "its my answer", "this is my answer", "save it"]
    + ["it is my answer", "that's my answer", "save as my answer", "it's an answer"]
)
ASK_WORDS = frozenset(
    ["ask", "question", "policy", "lookup", "no"]
    + ["ask it", "ask the policy bot", "ask the bot", "look it up", "look up", "a question"]
    + ["it's a question", "its a question", "ask policy", "ask the policy"]
)


@dataclass(frozen=True)
class Settings:
    tz: ZoneInfo
    late_after: timedelta  # a report later than this after the event needs a reason


@dataclass
class Turn:
    state: DialogState
    parts: list[Part] = field(default_factory=list)
    outcome: str = ""  # "" | "submit" | "cancelled" | "question" (look up `question`)
    question: str = ""  # the policy question to answer before asking again


class Dialog:
    """Runs one form for one user; `remembered` holds their previous answers to `remember` fields."""

    def __init__(
        self, *, form: FormSpec, settings: Settings, remembered: dict[str, str] | None = None
    ):
        self.form = form
        self.settings = settings
        self.remembered = remembered or {}

    # ---- entering -------------------------------------------------------------------------

    def start(self, now: datetime, context: dict[str, str] | None = None) -> Turn:
        state = DialogState(
            form=self.form.name, step="", started_at=_iso(now), context=dict(context or {})
        )
        state.step = self._next_step(state, now)
        intro = Text(strings.STARTED.format(title=self.title(state), intro=self.form.intro))
        return Turn(state, [intro, *self.prompt(state, now)])

    def resume(self, state: DialogState, now: datetime) -> Turn:
        done, total = self.progress(state, now)
        note = Text(strings.RESUMED.format(title=self.title(state), done=done, total=total), "note")
        return Turn(state, [note, *self.prompt(state, now)])

    # ---- what the user can do -------------------------------------------------------------

    def answer(self, state: DialogState, text: str, now: datetime) -> Turn:
        """Every reply is read as an answer to the current question first. Only a reply that is
        not a valid answer and plainly is a question (or asks for a clause) becomes a policy
        question (outcome "question"); a valid free-text answer that plainly is a question is
        held until the user says whether it is their answer."""
        said = (text or "").strip()
        if state.step == CONFIRM_CANCEL:
            return self.confirm_cancel(state, yes_or_no(said) == "yes", now)
        if state.step == REVIEW:
            return self._at_review(state, said, now)
        spec = self.form.field(state.step)
        if state.pending:
            settled = self._settle(state, spec, said, now)
            if settled is not None:
                return settled
            state = _counted(state)  # neither: a fresh reply to the question
        if spec.name in state.answers and (not said or normalise(said) in KEEP_WORDS):
            return self._keep(state, spec, now)
        checked = check(spec, said, self._context(spec, now))
        asking = is_question(said)
        if not checked.ok:
            if said and (asking or wants_lookup(said)):
                return Turn(state, outcome="question", question=said)
            return Turn(
                state, [Text(checked.error, "warning"), *self.prompt(state, now, brief=True)]
            )
        if asking and spec.kind in FREE_TEXT and checked.value != self.remembered.get(spec.name):
            state = _counted(state)
            state.pending = said
            return Turn(state, self._answer_or_ask(spec))
        return self._save(state, spec, checked, now)

    def _save(self, state: DialogState, spec: FieldSpec, checked: Checked, now: datetime) -> Turn:
        state = _counted(state)
        state.answers[spec.name] = checked.value
        if spec.kind == "datetime":  # kept (never removed) so an edit only ever replaces
            state.answers[approximate_key(spec.name)] = "about" if checked.approximate else ""
        notes = [Text(checked.note, "success")] if checked.note else []
        if spec.warn_if and checked.value == spec.warn_if:
            notes.append(Text(spec.warning, "warning"))
        found = privacy.findings(checked.value) if spec.privacy else ()
        if found:
            what = " and ".join(strings.PRIVACY_WHAT[kind] for kind in found)
            reminder = strings.PRIVACY_AGAIN.format(
                what=what, reminder=self.form.privacy_reminder, label=spec.label
            )
            notes.append(Text(reminder, "note"))
        state.step = self._next_step(state, now)
        return Turn(state, [*notes, *self.prompt(state, now)])

    def _keep(self, state: DialogState, spec: FieldSpec, now: datetime) -> Turn:
        state = _counted(state)
        kept = self.shown(spec, state)
        state.step = self._next_step(state, now)
        return Turn(
            state, [Text(strings.KEPT.format(value=kept), "note"), *self.prompt(state, now)]
        )

    def _settle(self, state: DialogState, spec: FieldSpec, said: str, now: datetime) -> Turn | None:
        """The reply to "did you mean to ask, or is this your answer?" — or None if it is
        neither (then it is read as a fresh reply to the question)."""
        choice = normalise(said)
        if choice in ANSWER_WORDS:
            checked = check(spec, state.pending, self._context(spec, now))
            return self._save(state, spec, checked, now) if checked.ok else None
        if choice in ASK_WORDS:
            question = state.pending
            state = _counted(state)
            return Turn(state, outcome="question", question=question)
        return None

    def _answer_or_ask(self, spec: FieldSpec) -> list[Part]:
        return [
            Text(strings.ANSWER_OR_ASK),
            Buttons(
                (
                    Button(strings.BUTTON_SAVE_ANSWER, actions.PENDING, "answer", style="primary"),
                    Button(strings.BUTTON_ASK_POLICY, actions.PENDING, "ask"),
                )
            ),
        ]

    def _at_review(self, state: DialogState, said: str, now: datetime) -> Turn:
        if normalise(said) in SUBMIT_WORDS:
            return self.submit(state, now)
        if is_question(said) or wants_lookup(said):
            return Turn(state, outcome="question", question=said)
        return Turn(state, [*self._at_review_note(state, now), *self._review_buttons()])

    def back(self, state: DialogState, now: datetime) -> Turn:
        visible = self.visible(state, now)
        names = [f.name for f in visible]
        here = names.index(state.step) if state.step in names else len(names)
        if here == 0:
            return Turn(
                state, [Text(strings.NOTHING_TO_GO_BACK_TO, "note"), *self.prompt(state, now)]
            )
        state = _counted(state)
        state.step = names[here - 1]
        return Turn(state, self.prompt(state, now))

    def skip(self, state: DialogState, now: datetime) -> Turn:
        spec = self.form.field(state.step)
        if spec is None or not spec.optional:
            hint = strings.AT_REVIEW if spec is None else ""
            message = strings.CANNOT_SKIP.format(prompt_hint=hint).strip()
            return Turn(state, [Text(message, "warning"), *self.prompt(state, now, brief=True)])
        state = _counted(state)
        state.answers[spec.name] = ""
        state.step = self._next_step(state, now)
        return Turn(state, [Text(strings.SKIPPED, "note"), *self.prompt(state, now)])

    def edit(self, state: DialogState, arg: str, now: datetime) -> Turn:
        visible = self.visible(state, now)
        labels = ", ".join(f"{n} {f.label}" for n, f in enumerate(visible, 1))
        if not arg.strip():
            return Turn(
                state,
                [
                    Text(strings.EDIT_HOW.format(fields=labels), "note"),
                    *self.prompt(state, now, brief=True),
                ],
            )
        candidates = matching_fields(visible, arg)
        if len(candidates) != 1:
            template = strings.EDIT_AMBIGUOUS if candidates else strings.UNKNOWN_FIELD
            named = ", ".join(f.label for f in candidates) or labels
            message = template.format(arg=arg.strip()[:60], fields=named)
            return Turn(state, [Text(message, "warning"), *self.prompt(state, now, brief=True)])
        spec = candidates[0]
        state = _counted(state)
        state.step = spec.name  # the old answer stays until a new one replaces it
        return Turn(state, self.prompt(state, now))

    def status(self, state: DialogState, now: datetime) -> Turn:
        visible = self.visible(state, now)
        done, total = self.progress(state, now)
        heading = strings.STATUS_HEADING.format(title=self.title(state), done=done, total=total)
        items = tuple((f.label, self.shown(f, state)) for f in visible)
        left = [f.label for f in visible if f.name not in state.answers]
        tail = (
            strings.STATUS_LEFT.format(fields=", ".join(left)) if left else strings.STATUS_ALL_DONE
        )
        return Turn(
            state,
            [Fields(items, heading), Text(tail, "note"), *self.prompt(state, now, brief=True)],
        )

    def help(self, state: DialogState, now: datetime) -> Turn:
        example = self.visible(state, now)[-1].label
        text = strings.DIALOG_HELP.format(title=self.title(state), example_field=example)
        return Turn(state, [Text(text), *self.prompt(state, now, brief=True)])

    def cancel(self, state: DialogState, now: datetime) -> Turn:
        if state.step != CONFIRM_CANCEL:
            state = _counted(state)
            state.resume_step, state.step = state.step, CONFIRM_CANCEL
        return Turn(state, self.prompt(state, now))

    def confirm_cancel(self, state: DialogState, yes: bool, now: datetime) -> Turn:
        if state.step != CONFIRM_CANCEL:
            return Turn(state, self.prompt(state, now, brief=True))
        if yes:
            text = strings.CANCELLED.format(command=self.form.command)
            return Turn(state, [Text(text, "note")], outcome="cancelled")
        state = _counted(state)
        state.step, state.resume_step = state.resume_step or self._next_step(state, now), ""
        return Turn(state, [Text(strings.NOT_CANCELLED, "note"), *self.prompt(state, now)])

    def submit(self, state: DialogState, now: datetime) -> Turn:
        missing = self.missing(state, now)
        if missing:
            state = _counted(state)
            state.step = missing[0].name
            text = strings.STILL_NEEDED.format(fields=", ".join(f.label for f in missing))
            return Turn(state, [Text(text, "warning"), *self.prompt(state, now)])
        if state.step != REVIEW:
            state = _counted(state)
            state.step = REVIEW
            return Turn(state, self.prompt(state, now))
        return Turn(state, [], outcome="submit")

    # ---- what the user sees ---------------------------------------------------------------

    def prompt(self, state: DialogState, now: datetime, *, brief: bool = False) -> list[Part]:
        """The current step: a question, the review, or the cancel confirmation."""
        if state.step == CONFIRM_CANCEL:
            return self._cancel_prompt(state)
        if state.step == REVIEW:
            if brief:
                return [*self._at_review_note(state, now), *self._review_buttons()]
            return self.review(state, now)
        spec = self.form.field(state.step)
        parts: list[Part] = []
        if not brief and self._first_private(spec, state, now):
            parts.append(Text(self.form.privacy_reminder, "note"))
        help_text = spec.why
        if spec.name in state.answers:
            current = self.shown(spec, state)
            help_text = f"{help_text} {strings.CURRENT_ANSWER.format(value=current)}".strip()
        if spec.remember and self.remembered.get(spec.name):
            help_text = (
                f"{help_text} {strings.REMEMBERED.format(value=self.remembered[spec.name])}".strip()
            )
        choices = YES_NO_CHOICES if spec.kind == "yes_no" else spec.choices
        parts.append(
            Prompt(
                field=spec.name,
                question=self._format(spec.prompt, state),
                kind=spec.kind,
                choices=choices,
                help=help_text,
                example=spec.example,
                optional=spec.optional,
            )
        )
        parts += self._prompt_buttons(spec, choices)
        parts.append(Footer(self._footer(state, now)))
        return parts

    def review(self, state: DialogState, now: datetime) -> list[Part]:
        items = tuple((f.label, self.shown(f, state)) for f in self.visible(state, now))
        parts: list[Part] = [Fields(items, strings.REVIEW_HEADING.format(title=self.title(state)))]
        delay = self.delay(state, now)
        if delay is not None and self.form.delay_text:
            parts.append(Text(self.form.delay_text.format(delay=elapsed(delay)), "note"))
        parts += [Text(self.form.submit_statement, "note"), *self._at_review_note(state, now)]
        return parts + self._review_buttons(state, now)

    def _at_review_note(self, state: DialogState, now: datetime) -> list[Part]:
        example = self.visible(state, now)[-1].label
        text = strings.AT_REVIEW.format(title=self.title(state), example=example)
        return [Text(text, "note")]

    def _first_private(self, spec: FieldSpec, state: DialogState, now: datetime) -> bool:
        """The privacy reminder comes once per report: with the first question that needs it,
        while it is unanswered. Later it comes back only for an answer that looks like it holds
        personal details (see `_save`)."""
        first = next((f for f in self.visible(state, now) if f.privacy), None)
        return first is spec and spec.name not in state.answers

    def shown(self, spec: FieldSpec, state: DialogState) -> str:
        """An answer as staff read it back; a time read from "this morning" says "about"."""
        value = display(spec, state.answers.get(spec.name), self.settings.tz)
        if state.answers.get(approximate_key(spec.name)) and state.answers.get(spec.name):
            return strings.APPROXIMATE.format(value=value)
        return value

    def progress(self, state: DialogState, now: datetime) -> tuple[int, int]:
        visible = self.visible(state, now)
        return sum(f.name in state.answers for f in visible), len(visible)

    # ---- the rules ------------------------------------------------------------------------

    def visible(self, state: DialogState, now: datetime) -> list[FieldSpec]:
        return [f for f in self.form.fields if not f.show_if or self._holds(f.show_if, state, now)]

    def missing(self, state: DialogState, now: datetime) -> list[FieldSpec]:
        return [f for f in self.visible(state, now) if f.name not in state.answers]

    def final_answers(self, state: DialogState, now: datetime) -> dict[str, str]:
        """What is filed: the answers to the fields that apply (a delay reason only if late)."""
        return {f.name: state.answers.get(f.name, "") for f in self.visible(state, now)}

    def event_time(self, state: DialogState) -> datetime | None:
        raw = state.answers.get(self.form.clock_field) if self.form.clock_field else None
        return datetime.fromisoformat(raw) if raw else None

    def delay(self, state: DialogState, now: datetime) -> timedelta | None:
        event = self.event_time(state)
        return None if event is None else now - event

    def _holds(self, condition: str, state: DialogState, now: datetime) -> bool:
        if condition == "late":
            delay = self.delay(state, now)
            return delay is not None and delay > self.settings.late_after
        return False

    def _next_step(self, state: DialogState, now: datetime) -> str:
        missing = self.missing(state, now)
        return missing[0].name if missing else REVIEW

    def _context(self, spec: FieldSpec, now: datetime) -> Context:
        return Context(now=now, tz=self.settings.tz, remembered=self.remembered.get(spec.name, ""))

    def _footer(self, state: DialogState, now: datetime) -> str:
        visible = self.visible(state, now)
        names = [f.name for f in visible]
        counter = strings.STEP_COUNTER.format(n=names.index(state.step) + 1, total=len(names))
        event = self.event_time(state)
        if event is None:
            return counter
        template = self.form.clock_text or strings.CLOCK_DEFAULT
        clock = template.format(when=describe(event, self.settings.tz), ago=elapsed(now - event))
        return f"{counter} · {clock}"

    def title(self, state: DialogState) -> str:
        amends = state.context.get("amends")
        return strings.ADDENDUM_TITLE.format(number=amends) if amends else self.form.title

    def _format(self, text: str, state: DialogState) -> str:
        hours = self.settings.late_after.total_seconds() / 3600
        values = {"late_after": f"{hours:g} hours", "amends": state.context.get("amends", "")}
        return text.format_map(values)

    def _prompt_buttons(self, spec: FieldSpec, choices) -> list[Part]:
        buttons = [
            Button(label, actions.ANSWER, f"{spec.name}={value}") for value, label in choices
        ]
        if spec.remember and self.remembered.get(spec.name):
            value = self.remembered[spec.name]
            buttons.append(Button(value, actions.ANSWER, f"{spec.name}={value}"))
        if spec.optional:
            buttons.append(Button(strings.BUTTON_SKIP, actions.SKIP, spec.name))
        return [Buttons(tuple(buttons))] if buttons else []

    def _review_buttons(
        self, state: DialogState | None = None, now: datetime | None = None
    ) -> list[Part]:
        buttons = [Button(strings.BUTTON_SUBMIT, actions.SUBMIT, style="primary")]
        if state is not None:
            buttons += [
                Button(strings.BUTTON_EDIT.format(label=f.label), actions.EDIT, f.name)
                for f in self.visible(state, now)
            ]
        buttons.append(Button(strings.BUTTON_CANCEL, actions.CANCEL, style="danger"))
        return [Buttons(tuple(buttons))]

    def _cancel_prompt(self, state: DialogState) -> list[Part]:
        return [
            Text(strings.CANCEL_CONFIRM.format(title=self.title(state))),
            Buttons(
                (
                    Button(
                        strings.BUTTON_CANCEL_YES, actions.CANCEL_CONFIRM, "yes", style="danger"
                    ),
                    Button(strings.BUTTON_CANCEL_NO, actions.CANCEL_CONFIRM, "no"),
                )
            ),
        ]


def approximate_key(name: str) -> str:
    """Where a draft notes that the time in `name` is approximate ("this morning")."""
    return f"{name}~"


def matching_fields(fields: list[FieldSpec], arg: str) -> list[FieldSpec]:
    """The fields `edit <arg>` may mean: by number, the label shown at the review, the field's
    name (older wording: "party type"), a part of the label, or else the fields sharing the most
    words with it ("edit the call length" → Length of the call)."""
    wanted = normalise(arg.replace("_", " ")).removeprefix("the ").strip()
    if not wanted:
        return []
    if wanted.isdigit():
        return [fields[int(wanted) - 1]] if 1 <= int(wanted) <= len(fields) else []
    for spec in fields:
        if wanted in (_short(spec), normalise(spec.label)):
            return [spec]
    parts = [f for f in fields if wanted in normalise(f.label) or wanted in _short(f)]
    if parts:
        return parts
    words = set(wanted.split()) - _LITTLE_WORDS
    scores = {f.name: len(words & set(f"{normalise(f.label)} {_short(f)}".split())) for f in fields}
    best = max(scores.values(), default=0)
    return [f for f in fields if best and scores[f.name] == best]


_LITTLE_WORDS = frozenset(
    ["a", "an", "the", "of", "to", "on", "in", "for", "my", "your", "and", "or", "was", "is", "it"]
)


def _short(spec: FieldSpec) -> str:
    return spec.name.replace("_", " ")


def _counted(state: DialogState) -> DialogState:
    """A copy for the next turn; a held "answer or ask?" reply is dropped by anything else."""
    return replace(
        state,
        answers=dict(state.answers),
        context=dict(state.context),
        turns=state.turns + 1,
        pending="",
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
