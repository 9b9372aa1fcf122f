"""bot/since.py: the first day of a period, from how people say it (`reports … --since`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.since import SinceError, parse_since

TUESDAY = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("words", "day"),
    [
        ("today", TUESDAY),
        ("Yesterday", date(2026, 3, 30)),
        ("last monday", date(2026, 3, 30)),
        ("last tuesday", date(2026, 3, 24)),  # said on a Tuesday: a week ago
        ("tuesday", TUESDAY),
        ("friday", date(2026, 3, 27)),
        ("3 days ago", date(2026, 3, 28)),
        ("two weeks ago", date(2026, 3, 17)),
        ("1 month ago", date(2026, 2, 28)),  # no 31 February: the month's last day
        ("a year ago", date(2025, 3, 31)),
        ("this week", date(2026, 3, 30)),
        ("last week", date(2026, 3, 23)),
        ("this month", date(2026, 3, 1)),
        ("last month", date(2026, 2, 1)),
        ("this year", date(2026, 1, 1)),
        ("2026-11-01", date(2026, 11, 1)),
        ("11/28", date(2025, 11, 28)),  # no year: the most recent 28 November
        ("3/1/2026", date(2026, 3, 1)),
        ("Nov 3", date(2025, 11, 3)),
        ("3 November 2024", date(2024, 11, 3)),
    ],
)
def test_words_people_use(words, day):
    assert parse_since(words, today=TUESDAY) == day


@pytest.mark.parametrize(
    "words", ["", "soon", "9999 years ago", "2026-02-30", "13/45", "next week", "yesterday-ish"]
)
def test_unreadable_is_an_error(words):
    with pytest.raises(SinceError):
        parse_since(words, today=TUESDAY)


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)), st.text(max_size=30))
def test_any_text_is_a_day_or_a_clear_error(today, words):
    try:
        day = parse_since(words, today=today)
    except SinceError:
        return
    assert isinstance(day, date)


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)))
def test_periods_start_on_or_before_today(today):
    for words in ("this week", "last week", "this month", "last month", "yesterday", "5 days ago"):
        day = parse_since(words, today=today)
        assert day <= today and today - day < timedelta(days=62)
