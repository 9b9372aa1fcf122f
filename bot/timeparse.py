"""Read the time of an event from what staff type: "today 7:45am", "20 minutes ago", "11/28 14:30".

Stdlib only. Times are read in the district's time zone and returned as aware datetimes. The
parser never guesses a future time: anything later than now (beyond a little clock skew) is an
error, and so is a date without a time. Errors carry a `code`, not wording: the dialog turns the
code into a sentence (bot/forms/strings.py), so all staff-facing text stays in one place.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SKEW = timedelta(minutes=2)  # a phone clock a minute ahead of the server is "now", not the future
OLDEST = timedelta(days=2 * 366)  # beyond this it is almost certainly a typo in the year
MAX_CHARS = 80

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "half an": 0.5,
    "half a": 0.5,
}
_UNITS = {
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "day": 1440,
    "days": 1440,
}

_AGO = re.compile(
    r"^(?P<n>\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\s*"
    r"(?P<unit>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\s+ago$"
)
_TIME = re.compile(
    r"(?:\bat\s+|@\s*)?\b(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?(?=\s|$)"
)
_NAMED_TIME = re.compile(r"\b(?:at\s+)?(?P<name>noon|midday|midnight)\b")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$")
_SLASH_DATE = re.compile(r"\b(?P<mo>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?\b")
_DASH_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})\b")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_MONTH_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon1>{_MONTH})|(?P<mon2>{_MONTH})\.?\s+"
    r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?)(?:\s+(?P<y>\d{4}))?\b"
)
_WEEKDAY = re.compile(r"\b(?:(?P<last>last|this|on)\s+)?(?P<day>" + "|".join(_WEEKDAYS) + r")\b")
_FILLER = re.compile(
    r"\b(?:at|on|around|about|approx(?:imately)?|roughly|the|this|morning|"
    r"afternoon|evening|tonight)\b|[,~]"
)


class TimeParseError(ValueError):
    """The text is not a usable past time. `code`: unrecognised | no_time | future | too_old |
    bad_date | too_long."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment `text` names, in `tz`, no later than `now`. Raises TimeParseError."""
    phrase = " ".join((text or "").lower().replace(",", " ").split())
    if len(phrase) > MAX_CHARS:
        raise TimeParseError("too_long")
    local_now = now.astimezone(tz)
    moment = _relative(phrase, local_now) or _absolute(phrase, local_now, tz)
    if moment > local_now + SKEW:
        raise TimeParseError("future")
    if local_now - moment > OLDEST:
        raise TimeParseError("too_old")
    return min(moment, local_now)


def _relative(phrase: str, now: datetime) -> datetime | None:
    if phrase in ("now", "just now", "right now", "a moment ago"):
        return now
    match = _AGO.match(phrase.replace("about ", "").replace("around ", ""))
    if not match:
        return None
    raw = match.group("n")
    amount = float(_NUMBER_WORDS.get(raw, raw)) if raw in _NUMBER_WORDS else float(raw)
    return now - timedelta(minutes=amount * _UNITS[match.group("unit")])


def _absolute(phrase: str, now: datetime, tz: ZoneInfo) -> datetime:
    if _ISO.match(phrase):
        return _iso(phrase, tz)
    day, rest = _day(phrase, now.date())
    clock, twelve_hour, rest = _clock(rest)
    if _FILLER.sub(" ", rest).strip():
        raise TimeParseError("unrecognised")
    if clock is None:
        raise TimeParseError("no_time" if day is not None else "unrecognised")
    moment = _localise(datetime.combine(day or now.date(), clock), tz)
    if twelve_hour and 1 <= clock.hour <= 11 and moment + timedelta(hours=12) <= now:
        moment += timedelta(hours=12)  # "3:10" said at 4 pm means 3:10 pm: the most recent
    return moment


def _iso(phrase: str, tz: ZoneInfo) -> datetime:
    try:
        parsed = datetime.fromisoformat(phrase.upper().replace("Z", "+00:00"))
    except ValueError:
        raise TimeParseError("bad_date") from None
    return _localise(parsed, tz) if parsed.tzinfo is None else parsed.astimezone(tz)


def _day(phrase: str, today: date) -> tuple[date | None, str]:
    """Find the date part; return it and the phrase with it removed."""
    if re.search(r"\b(tomorrow|tmrw|next)\b", phrase):
        raise TimeParseError("future")
    for word, offset in (("yesterday", 1), ("today", 0), ("tonight", 0)):
        if re.search(rf"\b{word}\b", phrase):
            return today - timedelta(days=offset), re.sub(rf"\b{word}\b", " ", phrase)
    for pattern, reader in ((_DASH_DATE, _ymd), (_SLASH_DATE, _ymd), (_MONTH_DATE, _month_day)):
        match = pattern.search(phrase)
        if match:
            return reader(match, today), phrase[: match.start()] + " " + phrase[match.end() :]
    match = _WEEKDAY.search(phrase)
    if match:
        back = (today.weekday() - _WEEKDAYS.index(match.group("day"))) % 7
        if match.group("last") == "last" and back == 0:
            back = 7
        return today - timedelta(days=back), phrase[: match.start()] + " " + phrase[match.end() :]
    return None, phrase


def _ymd(match: re.Match, today: date) -> date:
    year = match.group("y")
    return _make_date(
        int(year) + (2000 if year and len(year) == 2 else 0) if year else None,
        int(match.group("mo")),
        int(match.group("d")),
        today,
    )


def _month_day(match: re.Match, today: date) -> date:
    name = (match.group("mon1") or match.group("mon2"))[:3]
    day = int(match.group("d1") or match.group("d2"))
    year = match.group("y")
    return _make_date(int(year) if year else None, _MONTHS.index(name) + 1, day, today)


def _make_date(year: int | None, month: int, day: int, today: date) -> date:
    """A date without a year is the most recent one that is not after today."""
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate <= today else date(today.year - 1, month, day)
    except ValueError:
        raise TimeParseError("bad_date") from None


def _clock(phrase: str) -> tuple[time | None, bool, str]:
    """The time of day, whether it was ambiguous (no am/pm, 1-11), and the rest of the phrase."""
    named = _NAMED_TIME.search(phrase)
    if named:
        value = time(0, 0) if named.group("name") == "midnight" else time(12, 0)
        return value, False, phrase[: named.start()] + " " + phrase[named.end() :]
    for match in _TIME.finditer(phrase):
        if match.group("m") is None and match.group("ampm") is None:
            continue  # a bare number ("5") is not a time
        rest = phrase[: match.start()] + " " + phrase[match.end() :]
        return _time_of(match), match.group("ampm") is None, rest
    return None, False, phrase


def _time_of(match: re.Match) -> time:
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    ampm = (match.group("ampm") or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise TimeParseError("unrecognised")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise TimeParseError("unrecognised")
    return time(hour, minute)


def _localise(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach the zone; a wall time skipped by the spring DST change moves forward an hour."""
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(ZoneInfo("UTC")).astimezone(tz)


def describe(moment: datetime, tz: ZoneInfo) -> str:
    """'Fri 28 Nov 2025, 7:45 AM EST' — how a parsed time is confirmed back to the user."""
    local = moment.astimezone(tz)
    return (
        local.strftime("%a %d %b %Y, ")
        + local.strftime("%I:%M %p").lstrip("0")
        + " "
        + (local.tzname() or "")
    )


def elapsed(delta: timedelta) -> str:
    """'2 h 05 min', '3 days 4 h', '12 min' — the report clock shown while filling in."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{mins} min"
