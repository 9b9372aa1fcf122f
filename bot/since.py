"""Read the first day of a period from how people say it: "yesterday", "last monday",
"3 days ago", "this week", "2026-11-01", "11/28". Used by `reports list/export --since`.

Separate from bot/timeparse.py on purpose: that parser reads the moment of an event (a time of
day is required); this one reads a day, and periods ("this week", "last month") that have no time.
Weeks start on Monday, the school week.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_UNIT_DAYS = {"day": 1, "week": 7}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10}

_AGO = re.compile(r"^(\d{1,4}|[a-z]+)\s+(day|week|month|year)s?\s+ago$")
_PERIOD = re.compile(r"^(this|last|past)\s+(week|month|year)$")
_WEEKDAY = re.compile(rf"^(?:(last|this|on|since)\s+)?({'|'.join(_WEEKDAYS)})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3})[a-z]*\.?(?:,?\s+(\d{4}))?$")
EXAMPLES = "yesterday, last monday, 3 days ago, this week, last month, 2026-11-01 or 11/28"


class SinceError(ValueError):
    """The text names no day this parser knows."""


def parse_since(text: str, *, today: date) -> date:
    """The first day `text` names, relative to `today` (the district's date). Raises SinceError."""
    phrase = " ".join(text.lower().strip().split())
    for reader in (_named, _ago, _period, _weekday, _numeric, _month_name):
        day = reader(phrase, today)
        if day is not None:
            return day
    raise SinceError(text)


def _named(phrase: str, today: date) -> date | None:
    return {"today": today, "yesterday": today - timedelta(days=1)}.get(phrase)


def _ago(phrase: str, today: date) -> date | None:
    match = _AGO.match(phrase)
    if not match:
        return None
    raw, unit = match.groups()
    count = int(raw) if raw.isdigit() else _NUMBERS.get(raw)
    if count is None:
        return None
    if unit in _UNIT_DAYS:
        return today - timedelta(days=count * _UNIT_DAYS[unit])
    months = count * (12 if unit == "year" else 1)
    return _months_back(today, months)


def _period(phrase: str, today: date) -> date | None:
    match = _PERIOD.match(phrase)
    if not match:
        return None
    which, unit = match.groups()
    back = 0 if which == "this" else 1
    if unit == "week":
        return today - timedelta(days=today.weekday() + 7 * back)
    if unit == "month":
        return _months_back(today.replace(day=1), back)
    return date(today.year - back, 1, 1)


def _weekday(phrase: str, today: date) -> date | None:
    match = _WEEKDAY.match(phrase)
    if not match:
        return None
    qualifier, name = match.groups()
    back = (today.weekday() - _WEEKDAYS.index(name)) % 7
    if qualifier == "last" and back == 0:
        back = 7  # "last monday" said on a Monday is a week ago
    return today - timedelta(days=back)


def _numeric(phrase: str, today: date) -> date | None:
    match = _ISO.match(phrase)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _date(year, month, day)
    match = _SLASH.match(phrase)
    if match:
        month, day, year = match.groups()
        return _recent(_year(year), int(month), int(day), today)
    return None


def _month_name(phrase: str, today: date) -> date | None:
    match = _MONTH_DAY.match(phrase)
    if match:
        name, day, year = match.groups()
    else:
        match = _DAY_MONTH.match(phrase)
        if not match:
            return None
        day, name, year = match.groups()
    if name not in _MONTHS:
        return None
    return _recent(_year(year), _MONTHS.index(name) + 1, int(day), today)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) + (2000 if len(text) == 2 else 0)


def _recent(year: int | None, month: int, day: int, today: date) -> date:
    """A date without a year is the most recent one not after today."""
    if year is not None:
        return _date(year, month, day)
    candidate = _date(today.year, month, day)
    return candidate if candidate <= today else _date(today.year - 1, month, day)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise SinceError(f"{year}-{month}-{day}") from None


def _months_back(day: date, months: int) -> date:
    """The same day `months` earlier, or that month's last day ("31 March" - 1 month = 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < 1900:
        raise SinceError(f"{months} months before {day}")
    first_of_next = date(year + (month == 11), (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (first_of_next - timedelta(days=1)).day))
