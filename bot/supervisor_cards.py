"""What supervisors and reporters receive: the report card (full or summary), the re-announce,
the acknowledged card, the reporter's notice, the draft reminder, and the private full view.

User-typed text appears only inside `Fields` values, which every adapter renders as plain,
escaped text — so a report can never ping @channel or carry a link the reporter didn't type.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import actions
from bot.forms import strings
from bot.forms.spec import FormError, FormSpec, load_form
from bot.messages import Button, Buttons, Fields, Footer, Part, Reply, Text
from bot.records.models import Report
from bot.timeparse import describe, elapsed


class Cards:
    def __init__(self, *, tz: ZoneInfo, mode: str) -> None:
        self.tz = tz
        self.mode = mode  # "full" | "summary"
        self._specs: dict[str, FormSpec | None] = {}

    def card(self, report: Report, *, reannounce: bool = False, witness: object = None) -> Reply:
        """The message in the supervisor channel (also its updated form once acknowledged).
        `witness` (the audit chain's head, bot.records.audit.Witness) ends it as a small line:
        the channel then holds a copy of the chain's position that the database can't rewrite."""
        parts: list[Part] = []
        if reannounce:
            parts.append(Text(strings.CARD_REANNOUNCE.format(number=report.number), "warning"))
        parts += self._head(report)
        if self.mode == "full":
            parts.append(self._body(report))
        else:
            parts.append(Text(strings.CARD_SUMMARY_NOTE, "note"))
        parts += self._actions(report)
        if witness:
            parts.append(Footer(strings.CARD_WITNESS.format(witness=witness)))
        return Reply(tuple(parts), private=False, kind="report_card")

    def full_view(self, report: Report) -> Reply:
        """The whole report, for one person's eyes (summary mode's View report, `reports show`)."""
        parts = [*self._head(report), self._body(report)]
        if report.acknowledgement:
            parts.append(self._acked(report))
        return Reply(tuple(parts), private=True, kind="report_view")

    def ack_notice(self, report: Report) -> Reply:
        ack = report.acknowledgement
        text = strings.ACK_NOTICE.format(
            title=report.title, number=report.number, by=ack.by_name, at=describe(ack.at, self.tz)
        )
        return Reply((Text(text, "success"),), kind="ack_notice", private=True)

    def _head(self, report: Report) -> list[Part]:
        parts: list[Part] = [
            Text(strings.CARD_HEADING.format(title=report.title, number=report.number), "heading")
        ]
        if report.amends:
            parts.append(Text(strings.CARD_AMENDS.format(number=report.amends), "note"))
        labels = strings.CARD_FIELDS
        items = [
            (labels["reporter"], report.reporter_name),
            (labels["supervisor"], report.supervisor),
        ]
        if report.event_at:
            spec = self._spec(report.form)  # the form's own clock label: "When you became aware"
            clock = spec.field(spec.clock_field).label if spec and spec.clock_field else ""
            items.append((clock or labels["called"], describe(report.event_at, self.tz)))
        items.append((labels["submitted"], describe(report.submitted_at, self.tz)))
        if report.delay_seconds is not None:
            delay = elapsed(timedelta(seconds=report.delay_seconds))
            items.append(
                (
                    labels["delay"],
                    f"{delay} — {report.late_reason}" if report.late_reason else delay,
                )
            )
        items.append((labels["policy"], report.policy_revision))
        parts.append(Fields(tuple(items)))
        if report.warnings:
            parts.append(
                Text(
                    strings.CARD_PRECHECK_WARNING.format(labels=", ".join(report.warnings)),
                    "warning",
                )
            )
        return parts

    def _body(self, report: Report) -> Fields:
        # The call time and the supervisor already head the card: don't repeat them below.
        spec = self._spec(report.form)
        in_head = {spec.clock_field, spec.supervisor_field} if spec else set()
        return Fields(
            tuple((label, value) for name, label, value in report.fields if name not in in_head)
        )

    def _spec(self, form: str) -> FormSpec | None:
        if form not in self._specs:
            try:
                self._specs[form] = load_form(form)
            except FormError:  # a form retired since the report was filed: show every field
                self._specs[form] = None
        return self._specs[form]

    def _actions(self, report: Report) -> list[Part]:
        if report.acknowledgement:
            return [self._acked(report)]
        buttons = [Button(strings.BUTTON_ACK, actions.ACKNOWLEDGE, report.number, style="primary")]
        if self.mode == "summary":
            buttons.append(Button(strings.BUTTON_VIEW, actions.VIEW, report.number))
        return [Buttons(tuple(buttons))]

    def _acked(self, report: Report) -> Part:
        ack = report.acknowledgement
        return Text(
            strings.CARD_ACKED.format(by=ack.by_name, at=describe(ack.at, self.tz)), "success"
        )


def reminder(*, title: str, done: int, total: int) -> Reply:
    text = strings.DRAFT_REMINDER.format(title=title, done=done, total=total)
    return Reply((Text(text, "note"), Footer(title)), kind="draft_reminder", private=True)
