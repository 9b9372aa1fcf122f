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
from bot.forms.meaning import normalise, pick, yes_or_no
from bot.forms.spec import FieldSpec
from bot.timeparse import (
    TimeParseError,
    describe,
    describe_duration,
    elapsed,
    parse_duration,
    read_when,
)

_SAME = frozenset(
    {"same", "same as last time", "same as before", "use it", "yes", "y", "same one", "same person"}
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
    approximate: bool = False  # a time read from a part of the day or "about"


Validator = Callable[[FieldSpec, str, Context], Checked]


def check(field: FieldSpec, text: str, ctx: Context) -> Checked:
    """Validate one answer with the field's validator (or its kind's default)."""
    text = " ".join((text or "").split()) if field.kind != "long_text" else (text or "").strip()
    if not text:
        hint = strings.SKIP_HINT if field.optional else ""
        return Checked(False, error=strings.REQUIRED.format(hint=hint).strip())
    if len(text) > field.max_length:
        return Checked(False, error=strings.TOO_LONG.format(max=field.max_length))
    return VALIDATORS[field.validator or field.kind](field, text, ctx)


def text(field: FieldSpec, value: str, ctx: Context) -> Checked:
    if field.remember and ctx.remembered and normalise(value) in _SAME:
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
    picked = pick(value, field.choices, field.choice_words)
    if picked:
        label = dict(field.choices)[picked]
        exact = normalise(value) in (normalise(label), normalise(picked)) or value.strip().isdigit()
        return Checked(True, picked, note="" if exact else strings.TAKEN_AS.format(value=label))
    return Checked(False, error=choice_error(field))


def choice_error(field: FieldSpec) -> str:
    """'Please pick Student, Parent or guardian, or Other (or type 1, 2 or 3).'"""
    labels = [label for _, label in field.choices]
    numbers = [str(n) for n in range(1, len(labels) + 1)]
    return strings.NOT_A_CHOICE.format(choices=_or(labels), numbers=_or(numbers, comma=False))


def yes_no(field: FieldSpec, value: str, ctx: Context) -> Checked:
    meant = yes_or_no(value, yes_words=field.yes_words, no_words=field.no_words)
    if meant:
        exact = normalise(value) in ("yes", "no", "y", "n")
        label = strings.YES if meant == "yes" else strings.NO
        return Checked(True, meant, note="" if exact else strings.TAKEN_AS.format(value=label))
    return Checked(False, error=strings.NOT_YES_NO)


def past_datetime(field: FieldSpec, value: str, ctx: Context) -> Checked:
    try:
        when = read_when(value, now=ctx.now, tz=ctx.tz)
    except TimeParseError as exc:
        return Checked(False, error=f"{strings.TIME_ERRORS[exc.code]} {strings.TIME_EXAMPLES}")
    moment = when.moment
    confirmed = strings.TIME_APPROXIMATE if when.approximate else strings.TIME_CONFIRMED
    note = confirmed.format(
        when=describe(moment, ctx.tz), ago=elapsed(ctx.now - moment), label=field.label
    )
    stored = moment.astimezone(UTC).isoformat(timespec="seconds")
    return Checked(True, stored, note=note, approximate=when.approximate)


def duration(field: FieldSpec, value: str, ctx: Context) -> Checked:
    length = parse_duration(value)
    if length is None:
        return Checked(False, error=strings.NOT_A_DURATION)
    return Checked(True, describe_duration(length))


def _or(items: list[str], *, comma: bool = True) -> str:
    """'A, B, or C' ('1, 2 or 3' without the serial comma)."""
    if len(items) <= 2:
        return " or ".join(items)
    return ", ".join(items[:-1]) + ("," if comma else "") + " or " + items[-1]


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
