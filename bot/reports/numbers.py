"""Report numbers as staff type them after `/edc ack`, `/edc view`, `/edc addendum`."""

from __future__ import annotations

import re

NUMBER = re.compile(r"^[A-Z]+(?:-[A-Z])?-\d{4}-\d{4,}(?:-A\d+)?$")


def report_number(text: str) -> str | None:
    """The report number `text` names (any case, spaces around), or None."""
    number = text.strip().upper()
    return number if NUMBER.match(number) else None
