"""Property: whatever staff type, a CSV cell never starts a formula and carries no raw control
character, and JSON keeps the value exact while escaping what a terminal would act on."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from bot.records.export import record_columns, to_csv, to_json
from bot.safe_text import visible

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
RAW = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))} | set(
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
typed = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.builds(
    "".join,
    st.lists(st.sampled_from([*DANGEROUS_START, " ", "1", "A", '"', ",", "\n"]), max_size=8),
)


def _record(value: str) -> dict:
    row = {column: "" for column in record_columns()}
    return {**row, "form": "emergency_call", "reporter": value, "fields": {"Content": value}}


@given(typed)
def test_a_csv_cell_never_starts_a_formula(value):
    parsed = list(csv.reader(io.StringIO(to_csv([_record(value)]), newline="")))
    assert len(parsed) == 2  # a header and one row, whatever the value holds
    for cell in parsed[1]:
        assert not cell.lstrip(" \u3000\n").startswith(DANGEROUS_START), repr(cell)
        assert not RAW & set(cell), repr(cell)
    content = parsed[1][-1]
    assert content in (visible(value), "'" + visible(value))


@given(typed)
def test_json_is_exact_and_terminal_safe(value):
    text = to_json([_record(value)])
    assert not RAW & set(text)
    assert json.loads(text)[0]["fields"]["Content"] == value
