"""Natural time phrases in the district's zone; never the future; errors as codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.timeparse import OLDEST, SKEW, TimeParseError, describe, parse_when

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
