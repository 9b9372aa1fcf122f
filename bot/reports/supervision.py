"""Supervision: acknowledging a report and viewing it in full (`/edc ack N`, `/edc view N`, or
the buttons on the supervisor channel's card). Who may do either is the surface's decision
(`Services.can_acknowledge`: on Slack, members of the supervisor channel); nobody acknowledges
a report they filed themselves. An acknowledgement updates the channel's card(s) and tells the
reporter, through the outbox."""

from __future__ import annotations

from bot.forms import strings
from bot.messages import Incoming, Reply
from bot.reports.numbers import report_number
from bot.reports.replies import note
from bot.reports.services import Services
from bot.timeparse import describe

ACK, VIEW = "ack", "view"  # the commands (bot/commands.py)


class Supervision:
    def __init__(self, services: Services) -> None:
        self.services = services

    def handle(self, incoming: Incoming, verb: str, arg: str) -> list[Reply]:
        """`verb` ACK or VIEW the report numbered `arg`."""
        s = self.services
        number = report_number(arg)
        if number is None:
            return [note(strings.ACK_WHICH if verb == ACK else strings.VIEW_WHICH)]
        if not s.can_acknowledge(incoming):
            return [note(strings.ACK_NOT_ALLOWED if verb == ACK else strings.VIEW_NOT_ALLOWED)]
        if s.records.reports.get(number) is None:
            return [note(strings.ACK_UNKNOWN.format(number=number))]
        if verb == VIEW:
            report = s.records.reports.read(
                number, actor=incoming.user.key, via="chat", now=s.clock()
            )
            return [s.cards.full_view(report)]
        return [self._acknowledge(incoming, number)]

    def _acknowledge(self, incoming: Incoming, number: str) -> Reply:
        s = self.services
        report = s.records.reports.get(number)
        if report.user_key == incoming.user.key:
            return note(strings.ACK_OWN.format(number=number))
        notices = [("update", p.platform, p.destination) for p in s.records.outbox.posts(number)]
        notices.append(("notice", report.platform, report.user_id))
        report, first = s.records.reports.acknowledge(
            number,
            by_key=incoming.user.key,
            by_name=incoming.user_name or incoming.user_id,
            now=s.clock(),
            notices=notices,
        )
        s.wake()
        ack = report.acknowledgement
        if first:
            return note(strings.ACK_DONE.format(number=number))
        at = describe(ack.at, s.settings.tz)
        return note(strings.ACK_ALREADY.format(number=number, by=ack.by_name, at=at))
