"""Natural time phrases in the district's zone; never the future; errors as codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.timeparse import (
    LONGEST_CALL,
    OLDEST,
    SKEW,
    TimeParseError,
    describe,
    describe_duration,
    parse_duration,
    parse_when,
    read_when,
)

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 29, 16, 0, tzinfo=TZ)  # a Sunday afternoon


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", datetime(2026, 11, 29, 16, 0)),
        ("today 7:45am", datetime(2026, 11, 29, 7, 45)),
        ("yesterday at 3:10 pm", datetime(2026, 11, 28, 15, 10)),
        ("20 minutes ago", datetime(2026, 11, 29, 15, 40)),
        ("an hour ago", datetime(2026, 11, 29, 15, 0)),
        ("11/28 14:30", datetime(2026, 11, 28, 14, 30)),
        ("12/25 9am", datetime(2025, 12, 25, 9, 0)),  # no year: the most recent one
        ("friday, 8:15 am", datetime(2026, 11, 27, 8, 15)),
        ("last sunday at noon", datetime(2026, 11, 22, 12, 0)),
        ("Nov 28 2:30 pm", datetime(2026, 11, 28, 14, 30)),
        ("2026-11-28T14:30", datetime(2026, 11, 28, 14, 30)),
        ("3:10", datetime(2026, 11, 29, 15, 10)),  # no am/pm: the most recent 3:10
    ],
)
def test_phrases(text, expected):
    assert parse_when(text, now=NOW, tz=TZ) == expected.replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("tomorrow 3pm", "future"),
        ("today 5pm", "future"),
        ("yesterday", "no_time"),
        ("2/30 10:00", "bad_date"),
        ("2019-01-01 10:00", "too_old"),
        ("banana", "unrecognised"),
        ("13:75", "unrecognised"),
        ("x" * 200, "too_long"),
    ],
)
def test_errors(text, code):
    with pytest.raises(TimeParseError) as info:
        parse_when(text, now=NOW, tz=TZ)
    assert info.value.code == code


def test_utc_input_is_shown_in_district_time():
    moment = parse_when("2026-11-28 14:30:00Z", now=NOW, tz=TZ)
    assert describe(moment, TZ) == "Sat 28 Nov 2026, 9:30 AM EST"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_past_time_or_a_coded_error(text):
    try:
        moment = parse_when(text, now=NOW, tz=TZ)
    except TimeParseError as exc:
        assert exc.code in {"unrecognised", "no_time", "future", "too_old", "bad_date", "too_long"}
        return
    assert NOW - OLDEST <= moment <= NOW


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=60 * 24 * 30),
    st.sampled_from(["America/New_York", "UTC", "Pacific/Auckland"]),
)
def test_minutes_ago_round_trips(minutes, zone):
    now = datetime(2026, 3, 8, 12, 0, tzinfo=ZoneInfo(zone))
    moment = parse_when(f"{minutes} minutes ago", now=now, tz=ZoneInfo(zone))
    assert abs(now - moment - timedelta(minutes=minutes)) <= SKEW


@pytest.mark.parametrize(
    ("text", "expected", "approximate"),
    [
        ("last night at 9pm", datetime(2026, 11, 28, 21, 0), False),
        ("last night around 9", datetime(2026, 11, 28, 21, 0), False),
        ("9 last night", datetime(2026, 11, 28, 21, 0), False),
        ("last night at 1am", datetime(2026, 11, 29, 1, 0), False),
        ("this morning", datetime(2026, 11, 29, 9, 0), True),
        ("this morning around 7", datetime(2026, 11, 29, 7, 0), False),
        ("at 7 this morning", datetime(2026, 11, 29, 7, 0), False),
        ("yesterday afternoon", datetime(2026, 11, 28, 14, 0), True),
        ("yesterday at 3:15", datetime(2026, 11, 28, 15, 15), False),
        ("today at 7:45 am", datetime(2026, 11, 29, 7, 45), False),
        ("an hour ago", datetime(2026, 11, 29, 15, 0), False),
        ("about an hour ago", datetime(2026, 11, 29, 15, 0), True),
        ("an hour and a half ago", datetime(2026, 11, 29, 14, 30), False),
        ("10-20 minutes ago", datetime(2026, 11, 29, 15, 45), True),
        ("tue 10am", datetime(2026, 11, 24, 10, 0), False),
        ("on wednesday at noon", datetime(2026, 11, 25, 12, 0), False),
        ("friday at 2", datetime(2026, 11, 27, 14, 0), False),
        ("midnight", datetime(2026, 11, 29, 0, 0), False),
        ("7.45am", datetime(2026, 11, 29, 7, 45), False),
        ("around 9ish this morning", datetime(2026, 11, 29, 9, 0), False),
    ],
)
def test_how_staff_write_times(text, expected, approximate):
    when = read_when(text, now=NOW, tz=TZ)
    assert when.moment == expected.replace(tzinfo=TZ)
    assert when.approximate is approximate


def test_a_part_of_the_day_not_yet_over_is_now_at_most():
    early = datetime(2026, 11, 29, 8, 0, tzinfo=TZ)
    assert read_when("this morning", now=early, tz=TZ).moment == early
    with pytest.raises(TimeParseError) as info:
        read_when("this evening", now=early, tz=TZ)
    assert info.value.code == "future"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("10-15 min", "10–15 min"),
        ("10 to 15 minutes", "10–15 min"),
        ("about 10 minutes", "about 10 min"),
        ("quarter of an hour", "15 min"),
        ("half an hour", "30 min"),
        ("1h 20m", "1 h 20 min"),
        ("1 hour and 20 minutes", "1 h 20 min"),
        ("an hour and a half", "1 h 30 min"),
        ("1.5 hours", "1 h 30 min"),
        ("5", "5 min"),
        ("maybe 5 min or so", "about 5 min"),
        ("20ish min", "about 20 min"),
        ("a couple of minutes", "about 2 min"),
        ("less than a minute", "under 1 min"),
        ("30 seconds", "30 sec"),
        ("it was about 10 minutes", "about 10 min"),
    ],
)
def test_lengths(text, shown):
    length = parse_duration(text)
    assert length is not None and describe_duration(length) == shown


@pytest.mark.parametrize("text", ["", "banana", "0 min", "3 days", "5 people", "not long"])
def test_not_lengths(text):
    assert parse_duration(text) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_a_length_or_none(text):
    length = parse_duration(text)
    assert length is None or 0 < length.low <= length.high <= LONGEST_CALL


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=180), st.integers(min_value=0, max_value=60))
def test_ranges_round_trip(low, extra):
    length = parse_duration(f"{low}-{low + extra} min")
    assert (length.low, length.high) == (low, low + extra)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 pm", datetime(2026, 11, 28, 21, 0)),  # said at 4 pm: last night, not tonight
        ("before school today", datetime(2026, 11, 29, 7, 0)),
        ("this am", datetime(2026, 11, 29, 9, 0)),
        ("an hour ago or so", datetime(2026, 11, 29, 15, 0)),
    ],
)
def test_more_ways_staff_write_times(text, expected):
    assert parse_when(text, now=NOW, tz=TZ) == expected.replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a minute or two", "1–2 min"),
        ("an hour or two", "1–2 h"),
        ("between 5 and 10 minutes", "5–10 min"),
        ("5-10", "5–10 min"),
        ("90 seconds", "90 sec"),
        ("1 minute 30 seconds", "90 sec"),
    ],
)
def test_more_lengths(text, shown):
    assert describe_duration(parse_duration(text)) == shown
