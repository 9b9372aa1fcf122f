"""Filing: a finished dialog, or a whole form submitted at once, becomes a stored report with its
outbox entries (one transaction in bot/records), and the outbox worker is woken.

A whole-form submission carries the adapter's idempotency key (same submission = same key): it
names the draft the report is filed under, so a replay files nothing and says nothing new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.forms.dialog import Dialog
from bot.forms.spec import load_form
from bot.forms.state import REVIEW, DialogState
from bot.forms.validators import Context, check
from bot.messages import Incoming, Reply
from bot.records.models import Draft, Report, Submission
from bot.reports.replies import receipt
from bot.reports.services import Services


@dataclass(frozen=True)
class FormResult:
    """What `submit_form` returns: per-field errors to show inline, or the receipt."""

    errors: dict[str, str] = field(default_factory=dict)
    report_number: str = ""
    replies: tuple[Reply, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class Filing:
    def __init__(self, services: Services) -> None:
        self.services = services

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
        s = self.services
        form = load_form(form_name)
        now = s.clock()
        key = incoming.user.key
        draft_id = submission_draft(key, idempotency_key)
        earlier = s.records.drafts.get(draft_id) if draft_id else None
        if earlier is not None and earlier.status == "submitted":
            return FormResult(report_number=earlier.report_number)
        dialog = s.dialog(form, key)
        state = DialogState(form=form.name, step="", started_at=_iso(now))
        errors: dict[str, str] = {}
        for spec in form.fields:  # in order: the clock field decides whether a delay reason applies
            if spec.show_if and spec not in dialog.visible(state, now):
                continue
            raw = (values.get(spec.name) or "").strip()
            if not raw and spec.optional:
                state.answers[spec.name] = ""
                continue
            remembered = dialog.remembered.get(spec.name, "")
            checked = check(spec, raw, Context(now=now, tz=s.settings.tz, remembered=remembered))
            if checked.ok:
                state.answers[spec.name] = checked.value
            else:
                errors[spec.name] = checked.error
        if errors:
            return FormResult(errors=errors)
        state.step = REVIEW
        draft = s.records.drafts.create(
            user_key=key, platform=incoming.platform, state=state, now=now, draft_id=draft_id
        )
        if draft.status == "submitted":  # the same submission, filed a moment ago
            return FormResult(report_number=draft.report_number)
        report = self.file(incoming, dialog, draft, state, now)
        return FormResult(report_number=report.number, replies=(receipt(report),))

    def file(
        self, incoming: Incoming, dialog: Dialog, draft: Draft, state: DialogState, now: datetime
    ) -> Report:
        """Store the report and queue its deliveries (to the channel of the platform it was
        filed on; an addendum goes where its report went), then wake the outbox worker."""
        s = self.services
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
            policy_revision=s.bot.policy.revision,
            policy_sha256=s.bot.policy.sha256,
        )
        amended = s.records.reports.get(submission.amends) if submission.amends else None
        platform = amended.platform if amended else incoming.platform
        report = s.records.reports.submit(
            submission,
            user_key=draft.user_key,
            platform=platform,
            now=now,
            destinations=s.destinations(platform),
        )
        remembered = {f.name: answers[f.name] for f in visible if f.remember and answers[f.name]}
        if remembered:
            s.records.drafts.remember(draft.user_key, remembered)
        s.wake()
        return report


def errors_text(errors: dict[str, str]) -> str:
    """A whole form's field errors as one line (where a surface cannot show them inline)."""
    return " ".join(f"{name}: {message}" for name, message in errors.items())


def submission_draft(user_key: str, idempotency_key: str) -> str:
    """The draft id a keyed submission files under: the same key (for the same user) always
    names the same draft, so the records' per-draft idempotency covers replays too."""
    if not idempotency_key:
        return ""
    return hashlib.sha256(f"{user_key}\n{idempotency_key}".encode()).hexdigest()[:32]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
