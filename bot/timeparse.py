"""Read times and lengths from what staff type: "last night around 9", "20 minutes ago",
"11/28 14:30", "10-15 min", "1h 20m", "quarter of an hour".

Stdlib only. Times are read in the district's time zone and returned as aware datetimes. The
parser never guesses a future time: anything later than now (beyond a little clock skew) is an
error, and so is a date without any time of day. A part of the day without a clock time ("this
morning", "last night") is read as a typical hour of it and marked approximate, so the dialog can
say so. Errors carry a `code`, not wording: the dialog turns the code into a sentence
(bot/forms/strings.py), so all staff-facing text stays in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SKEW = timedelta(minutes=2)  # a phone clock a minute ahead of the server is "now", not the future
OLDEST = timedelta(days=2 * 366)  # beyond this it is almost certainly a typo in the year
MAX_CHARS = 80
LONGEST_CALL = 24 * 60  # minutes; a longer "call" is a typo

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
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "couple": 2,
    "a few": 3,
    "few": 3,
    "several": 5,
    "half an": 0.5,
    "half a": 0.5,
    "a half": 0.5,
    "half": 0.5,
    "a quarter of an": 0.25,
    "quarter of an": 0.25,
    "a quarter": 0.25,
    "three quarters of an": 0.75,
}
_UNITS = {"s": 1 / 60, "sec": 1 / 60, "secs": 1 / 60, "second": 1 / 60, "seconds": 1 / 60}
_UNITS |= dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1)
_UNITS |= dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60)
_UNITS |= dict.fromkeys(("day", "days"), 1440)


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUM = rf"(?:\d+(?:[.,]\d+)?|{_alternatives(_NUMBER_WORDS)})"
_UNIT = rf"(?:{_alternatives(_UNITS)})"
# "10-15 min", "10 to 15 minutes", "1h 20m", "1 hour and 20 minutes", "an hour and a half", "5"
_LENGTH = re.compile(
    rf"(?<![\w.])(?P<a>{_NUM})(?:\s*ish)?\s*(?:(?:-|–|—|to|or)\s*(?P<b>{_NUM})\s*)?(?P<unit>{_UNIT})?(?!\w)"
    rf"(?:\s*(?:and\s+)?(?:(?P<half>a half)|(?P<more>\d{{1,2}})\s*(?P<more_unit>{_UNIT})?(?!\w))"
    rf"|\s+or\s+(?P<or>{_NUM})(?!\w))?"
)
_BETWEEN = re.compile(r"\bbetween\s+(\S+)\s+and\s+")  # "between 5 and 10 minutes"
_HALF_DAYS = {"a": "morning", "p": "afternoon"}  # "this am", "this pm"
_VAGUE = frozenset({"a couple of", "a couple", "couple of", "couple", "a few", "few", "several"})
_BELOW = re.compile(r"\b(?:under|less than|at most|up to|below|just under|not even|no more than)\b")
_ABOVE = re.compile(r"\b(?:over|more than|at least|just over|a little over|longer than)\b")
_ROUGHLY = re.compile(
    r"\b(?:about|around|roughly|approx|approximately|maybe|probably|perhaps|nearly|almost|like|"
    r"or so|ish|give or take|something like)\b|~"
)

_TIME = re.compile(
    r"(?:\b(?P<at>at|around|about|approx|approximately|roughly|by|after|before)\s+|@\s*)?"
    r"\b(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?:ish\b)?\s*"
    r"(?P<ampm>a\.?m\.?|p\.?m\.?|a|p)?(?:\s*o'?clock)?(?=\s|$)"
)
_NAMED_TIME = re.compile(
    r"\b(?:at\s+|around\s+|about\s+)?(?:12\s+)?(?P<name>noon|midday|midnight)\b"
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$")
_SLASH_DATE = re.compile(r"\b(?P<mo>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?\b")
_DASH_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})\b")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_MONTH_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon1>{_MONTH})|(?P<mon2>{_MONTH})"
    r"\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?)(?:\s+(?P<y>\d{4}))?\b"
)
_WEEKDAY = re.compile(
    r"\b(?:(?P<last>last|this|on|past)\s+)?(?P<day>"
    + "|".join(w[:3] + f"(?:{w[3:]})?" for w in _WEEKDAYS)
    + r")\b"
)
# Parts of the day, with the hour used when no clock time is given and the hours they cover.
_PERIODS = {
    "early morning": (7, range(4, 12)),
    "morning": (9, range(4, 12)),
    "lunchtime": (12, range(11, 15)),
    "lunch": (12, range(11, 15)),
    "afternoon": (14, range(12, 18)),
    "after school": (15, range(13, 19)),
    "before school": (7, range(5, 10)),
    "evening": (19, range(16, 24)),
    "tonight": (21, range(17, 24)),
    "night": (21, range(17, 24)),
}
_PERIOD = re.compile(
    r"\b(?:(?:in|during|at)\s+(?:the\s+)?|this\s+|last\s+|(?P<yday>yesterday)\s+)?"
    rf"(?P<period>{_alternatives(_PERIODS)})\b"
)
_FILLER = re.compile(
    r"\b(?:at|on|in|around|about|approx(?:imately)?|roughly|the|this|it|was|earlier|just|"
    r"sometime|some time|ish|of|o'?clock|maybe|probably)\b|[,~.!]"
)
_AGO = re.compile(
    r"^(?P<length>.+?)\s+ago(?:\s+(?P<roughly>or so|ish|give or take|roughly|maybe))?$"
)
_NOW = frozenset({"now", "just now", "right now", "a moment ago", "moments ago", "a minute ago"})


class TimeParseError(ValueError):
    """The text is not a usable past time. `code`: unrecognised | no_time | future | too_old |
    bad_date | too_long."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class When:
    moment: datetime
    approximate: bool = False  # a part of the day ("this morning"), a range, or "about"


@dataclass(frozen=True)
class Duration:
    """A call's length in minutes: low == high unless a range was given."""

    low: float
    high: float
    bound: str = ""  # "" | "about" | "under" | "over"


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment `text` names, in `tz`, no later than `now`. Raises TimeParseError."""
    return read_when(text, now=now, tz=tz).moment


def read_when(text: str, *, now: datetime, tz: ZoneInfo) -> When:
    """Like parse_when, and says whether the time is approximate."""
    phrase = _normalise(text)
    if len(phrase) > MAX_CHARS:
        raise TimeParseError("too_long")
    local_now = now.astimezone(tz)
    when = _relative(phrase, local_now) or _absolute(phrase, local_now, tz)
    if when.moment > local_now + SKEW:
        raise TimeParseError("future")
    if local_now - when.moment > OLDEST:
        raise TimeParseError("too_old")
    return When(min(when.moment, local_now), when.approximate)


def parse_duration(
    text: str, *, longest: float = LONGEST_CALL, allow_zero: bool = False
) -> Duration | None:
    """The length `text` gives ("10-15 min", "about an hour", "1h 20m", "5"), or None.
    A bare number is minutes; lengths of zero or beyond `longest` minutes are refused."""
    phrase = _BETWEEN.sub(r"\1 to ", _normalise(text))
    if len(phrase) > MAX_CHARS:
        return None
    for match in _LENGTH.finditer(phrase):
        unit = match.group("unit")
        bare = _number(match.group("a")) is not None and not unit
        if bare and (match.group("more") or not _only_number(phrase, match)):
            continue  # "5 people", "grade 8": a bare number is minutes only when alone
        low, high = _minutes(match)
        if low is None or not 0 <= low <= high <= longest or (high == 0 and not allow_zero):
            return None
        vague = match.group("a") in _VAGUE
        bound = (
            "under"
            if _BELOW.search(phrase)
            else "over"
            if _ABOVE.search(phrase)
            else "about"
            if vague or _ROUGHLY.search(phrase)
            else ""
        )
        return Duration(low, high, bound)
    return None


def describe_duration(length: Duration) -> str:
    """'10–15 min', 'about 1 h 20 min', 'under 1 min' — a length as stored and shown."""
    low, high = _short(length.low), _short(length.high)
    simple = re.fullmatch(r"(\d+) (sec|min|h)", low)
    if low == high:
        span = low
    elif simple and high.endswith(f" {simple.group(2)}") and high.count(" ") == 1:
        span = f"{simple.group(1)}–{high}"  # "10–15 min", "1–2 h"
    else:
        span = f"{low}–{high}"
    return f"{length.bound} {span}".strip()


def _normalise(text: str) -> str:
    phrase = (text or "").lower().replace("’", "'").replace(",", " ")
    phrase = re.sub(r"(\d)ish\b", r"\1 ish", phrase)
    phrase = re.sub(r"\bthis (a|p)\.?m\b", lambda m: "this " + _HALF_DAYS[m.group(1)], phrase)
    return " ".join(phrase.split()).strip(" .!")


def _number(raw: str | None) -> float | None:
    if raw is None:
        return None
    if raw in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[raw])
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def _only_number(phrase: str, match: re.Match) -> bool:
    """A bare number is a length in minutes only when nothing else but qualifiers surrounds it."""
    rest = phrase[: match.start()] + " " + phrase[match.end() :]
    rest = _ROUGHLY.sub(" ", _ABOVE.sub(" ", _BELOW.sub(" ", rest)))
    return not rest.strip()


def _minutes(match: re.Match) -> tuple[float | None, float]:
    a, b = _number(match.group("a")), _number(match.group("b") or match.group("or"))
    unit = _UNITS.get(match.group("unit") or "min", 1)
    if a is None:
        return None, 0
    low = a * unit
    high = (b if b is not None else a) * unit
    extra = 0.0
    if match.group("half"):
        extra = 0.5 * unit
    elif match.group("more"):
        more_unit = _UNITS.get(match.group("more_unit") or "", 1 if unit >= 60 else 1 / 60)
        extra = float(match.group("more")) * more_unit
    if high < low:
        low, high = high, low
    return low + extra, high + extra


def _short(minutes: float) -> str:
    if minutes < 1 or (minutes < 5 and round(minutes * 60) % 60):  # "90 sec", not "2 min"
        return f"{round(minutes * 60)} sec"
    whole = round(minutes)
    hours, mins = divmod(whole, 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def _relative(phrase: str, now: datetime) -> When | None:
    if phrase in _NOW:
        return When(now)
    ago = _AGO.match(phrase)
    if not ago:
        return None
    longest = OLDEST.total_seconds() / 60
    length = parse_duration(ago.group("length"), longest=longest, allow_zero=True)
    if length is None:
        return None
    middle = (length.low + length.high) / 2
    approximate = length.low != length.high or bool(length.bound) or bool(ago.group("roughly"))
    return When(now - timedelta(minutes=middle), approximate)


def _absolute(phrase: str, now: datetime, tz: ZoneInfo) -> When:
    if _ISO.match(phrase):
        return When(_iso(phrase, tz))
    period, phrase = _period(phrase)
    day, rest = _day(phrase, now.date(), period)
    clock, twelve_hour, rest = _clock(rest, loose=period is not None or day is not None)
    if _FILLER.sub(" ", rest).strip():
        raise TimeParseError("unrecognised")
    approximate = False
    if clock is None and period is not None:
        clock, twelve_hour, approximate = time(_PERIODS[period.name][0]), False, True
    if clock is None:
        raise TimeParseError("no_time" if day is not None else "unrecognised")
    if period is not None:
        clock, day = _in_period(clock, period, day or now.date(), ambiguous=twelve_hour)
        twelve_hour = False
    moment = _localise(datetime.combine(day or now.date(), clock), tz)
    if twelve_hour and 1 <= clock.hour <= 11 and moment + timedelta(hours=12) <= now:
        moment += timedelta(hours=12)  # "3:10" said at 4 pm means 3:10 pm: the most recent
    if day is None and moment > now + SKEW:  # "9 pm" said at 4 pm: last night, not tonight
        moment = _localise(datetime.combine(now.date() - timedelta(days=1), clock), tz)
    if approximate and moment > now:  # "this morning" said at 8: the part of the day so far
        start = _localise(datetime.combine(moment.date(), time(_PERIODS[period.name][1][0])), tz)
        moment = now if start <= now else moment
    return When(moment, approximate)


@dataclass(frozen=True)
class _Period:
    name: str
    yesterday: bool


def _period(phrase: str) -> tuple[_Period | None, str]:
    match = _PERIOD.search(phrase)
    if not match:
        return None, phrase
    name = match.group("period")
    yesterday = bool(match.group("yday")) or match.group(0).startswith("last ")
    return _Period(name, yesterday), phrase[: match.start()] + " " + phrase[match.end() :]


def _in_period(clock: time, period: _Period, day: date, *, ambiguous: bool) -> tuple[time, date]:
    """An hour without am/pm read inside the part of the day: "9 last night" is 9 pm."""
    hours = _PERIODS[period.name][1]
    if clock.hour in hours:
        return clock, day
    if ambiguous and clock.hour + 12 in hours:
        return clock.replace(hour=clock.hour + 12), day
    if period.name in ("night", "tonight") and clock.hour < 5:
        return clock, day + timedelta(days=1)  # "last night at 1" is early this morning
    return clock, day


def _iso(phrase: str, tz: ZoneInfo) -> datetime:
    try:
        parsed = datetime.fromisoformat(phrase.upper().replace("Z", "+00:00"))
    except ValueError:
        raise TimeParseError("bad_date") from None
    return _localise(parsed, tz) if parsed.tzinfo is None else parsed.astimezone(tz)


def _day(phrase: str, today: date, period: _Period | None) -> tuple[date | None, str]:
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
        wanted = next(i for i, w in enumerate(_WEEKDAYS) if w.startswith(match.group("day")[:3]))
        back = (today.weekday() - wanted) % 7
        if match.group("last") in ("last", "past") and back == 0:
            back = 7
        return today - timedelta(days=back), phrase[: match.start()] + " " + phrase[match.end() :]
    if period is not None:
        return today - timedelta(days=1 if period.yesterday else 0), phrase
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


def _clock(phrase: str, *, loose: bool) -> tuple[time | None, bool, str]:
    """The time of day, whether it was ambiguous (no am/pm, 1-11), and the rest of the phrase.
    A bare hour ("9") counts only after "at"/"around" or beside a day or part of the day."""
    named = _NAMED_TIME.search(phrase)
    if named:
        value = time(0, 0) if named.group("name") == "midnight" else time(12, 0)
        return value, False, phrase[: named.start()] + " " + phrase[named.end() :]
    for match in _TIME.finditer(phrase):
        bare = match.group("m") is None and match.group("ampm") is None
        if bare and not (loose or match.group("at")):
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
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
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
