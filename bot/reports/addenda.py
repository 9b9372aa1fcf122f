"""Addenda: `/edc addendum N` starts the addendum form for the user's own filed report N (not for
an addendum itself); it is filed as N-A1, N-A2 … and delivered where N went (filing.py)."""

from __future__ import annotations

from bot.forms import strings
from bot.messages import Incoming, Reply
from bot.reports.drafts import Drafts
from bot.reports.numbers import report_number
from bot.reports.replies import note
from bot.reports.services import Services


class Addenda:
    def __init__(self, services: Services, drafts: Drafts) -> None:
        self.services = services
        self.drafts = drafts

    def start(self, incoming: Incoming, form_name: str, arg: str) -> list[Reply]:
        number = report_number(arg)
        if number is None:
            return [note(strings.ADDENDUM_WHICH)]
        key = incoming.user.key
        report = self.services.records.reports.get(number)
        if report is None or report.user_key != key or report.amends:
            return [note(strings.ADDENDUM_UNKNOWN.format(number=number))]
        draft = self.services.records.drafts.open_for(key)
        return self.drafts.start(incoming, form_name, draft, {"amends": number})
