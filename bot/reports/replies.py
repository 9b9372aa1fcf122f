"""The replies the report dialogs send besides the dialog's own parts."""

from __future__ import annotations

from bot.forms import strings
from bot.messages import Incoming, Reply, Text
from bot.records.models import Report


def note(text: str) -> Reply:
    return Reply((Text(text, "note"),), kind="note", private=True)


def dialog_replies(incoming: Incoming, parts: list, *, title: str = "") -> list[Reply]:
    """The dialog's parts, sent to the DM when the user is not in a private conversation."""
    if incoming.is_private:
        return [Reply(tuple(parts), kind="dialog", private=True)]
    moved = note(strings.PRIVATE_ONLY.format(title=title or "report"))
    return [moved, Reply(tuple(parts), kind="dialog", private=True, to="dm")]


def receipt(report: Report) -> Reply:
    text = strings.RECEIPT.format(title=report.title, number=report.number)
    return Reply((Text(text, "success"),), kind="receipt", private=True)
