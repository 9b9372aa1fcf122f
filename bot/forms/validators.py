"""Validators: turn what was typed into a stored value, or a message saying what to fix.

Each takes the field, the text and a context (the clock, the zone, a remembered answer) and
returns a `Checked`. None raises on any input: the hypothesis tests feed them arbitrary text.
Stored values are strings (a time as ISO 8601 in UTC) so a draft serialises as plain JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.forms import strings
from bot.forms.spec import FieldSpec
from bot.timeparse import TimeParseError, describe, elapsed, parse_when

_YES = frozenset({"yes", "y", "yeah", "yep", "yup", "true", "correct", "affirmative", "si", "sí"})
_NO = frozenset({"no", "n", "nope", "nah", "false", "negative"})
_SAME = frozenset({"same", "same as last time", "same as before", "use it", "yes", "y"})
_DURATION = re.compile(
    r"^(?:about|around|roughly|approx\.?|approximately|~|under|over|less than|more than)?\s*"
    r"(?P<n>\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|ten|fifteen|twenty|thirty|half an?|"
    r"a few|a couple(?: of)?|few|couple(?: of)?)\s*(?P<unit>s|sec|secs|seconds?|m|mins?|minutes?|"
    r"h|hrs?|hours?)?\.?$"
)
_WORD_COUNT = re.compile(r"\w+")


@dataclass(frozen=True)
class Context:
    now: datetime
    tz: ZoneInfo
    remembered: str = ""  # this user's previous answer to a `remember` field


@dataclass(frozen=True)
class Checked:
    ok: bool
    value: str = ""
    error: str = ""
    note: str = ""  # said back on success ("Got it: Fri 28 Nov, 7:45 AM EST")


Validator = Callable[[FieldSpec, str, Context], Checked]


def check(field: FieldSpec, text: str, ctx: Context) -> Checked:
    """Validate one answer with the field's validator (or its kind's default)."""
    text = " ".join((text or "").split()) if field.kind != "long_text" else (text or "").strip()
    if not text:
        return Checked(False, error=strings.REQUIRED.format(hint=""))
    if len(text) > field.max_length:
        return Checked(False, error=strings.TOO_LONG.format(max=field.max_length))
    return VALIDATORS[field.validator or field.kind](field, text, ctx)


def text(field: FieldSpec, value: str, ctx: Context) -> Checked:
    if field.remember and ctx.remembered and value.lower() in _SAME:
        value = ctx.remembered
    words = len(_WORD_COUNT.findall(value))
    if words < field.min_words:
        return Checked(
            False, error=strings.TOO_SHORT_WORDS.format(min=field.min_words, count=words)
        )
    if len(value) < field.min_length or not _WORD_COUNT.search(value):
        return Checked(False, error=strings.TOO_SHORT_CHARS.format(min=max(field.min_length, 1)))
    return Checked(True, value)


def choice(field: FieldSpec, value: str, ctx: Context) -> Checked:
    wanted = value.lower().strip(" .")
    for n, (stored, label) in enumerate(field.choices, 1):
        if wanted in (str(n), stored.lower(), label.lower()):
            return Checked(True, stored)
    starts = [stored for stored, label in field.choices if label.lower().startswith(wanted)]
    if len(wanted) >= 2 and len(starts) == 1:
        return Checked(True, starts[0])
    labels = ", ".join(f"{n} {label}" for n, (_, label) in enumerate(field.choices, 1))
    return Checked(False, error=strings.NOT_A_CHOICE.format(choices=labels))


def yes_no(field: FieldSpec, value: str, ctx: Context) -> Checked:
    word = value.lower().strip(" .!")
    if word in _YES:
        return Checked(True, "yes")
    if word in _NO:
        return Checked(True, "no")
    return Checked(False, error=strings.NOT_YES_NO)


def past_datetime(field: FieldSpec, value: str, ctx: Context) -> Checked:
    try:
        moment = parse_when(value, now=ctx.now, tz=ctx.tz)
    except TimeParseError as exc:
        return Checked(False, error=f"{strings.TIME_ERRORS[exc.code]} {strings.TIME_EXAMPLES}")
    note = strings.TIME_CONFIRMED.format(
        when=describe(moment, ctx.tz), ago=elapsed(ctx.now - moment)
    )
    return Checked(True, moment.astimezone(UTC).isoformat(timespec="seconds"), note=note)


def duration(field: FieldSpec, value: str, ctx: Context) -> Checked:
    if not _DURATION.match(value.lower()):
        return Checked(False, error=strings.NOT_A_DURATION)
    return Checked(True, value)


VALIDATORS: dict[str, Validator] = {
    "text": text,
    "long_text": text,
    "choice": choice,
    "yes_no": yes_no,
    "datetime": past_datetime,
    "duration": duration,
}


def display(field: FieldSpec, value: str | None, tz: ZoneInfo) -> str:
    """A stored value as staff read it back (review, status, the supervisor's copy)."""
    if value is None:
        return strings.NOT_ANSWERED
    if value == "":
        return strings.SKIPPED_VALUE
    if field.kind == "yes_no":
        return strings.YES if value == "yes" else strings.NO
    if field.kind == "choice":
        return dict(field.choices).get(value, value)
    if field.kind == "datetime":
        return describe(datetime.fromisoformat(value), tz)
    return value
