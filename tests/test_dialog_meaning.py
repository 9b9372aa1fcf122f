"""Reading replies by meaning: yes/no with each field's own words, choices, questions, and the
personal-detail heuristics behind the privacy reminder. Property tests: any text is read
without error and gives a definite value or ''."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import is_question, wants_lookup
from bot.forms import privacy
from bot.forms.meaning import pick, yes_or_no
from bot.forms.spec import load_form

FORM = load_form("emergency_call")


def meaning(field: str, reply: str) -> str:
    spec = FORM.field(field)
    return yes_or_no(reply, yes_words=spec.yes_words, no_words=spec.no_words)


@pytest.mark.parametrize(
    ("field", "reply", "expected"),
    [
        ("confidential", "yes it was", "yes"),
        ("confidential", "yeah, about the student's health", "yes"),
        ("confidential", "not really", "no"),
        ("confidential", "nothing confidential, just logistics", "no"),
        ("emergency", "absolutely", "yes"),
        ("emergency", "yes, no time to lose", "yes"),
        ("emergency", "a student was missing", "yes"),
        ("emergency", "it wasn't urgent", "no"),
        ("emergency", "no, it could wait", "no"),
        ("other_way", "no there wasn't", "no"),
        ("other_way", "correct, there was no other way", "no"),
        ("other_way", "nope, the office was closed", "no"),
        ("other_way", "the office was closed", "no"),
        ("other_way", "email wasn't an option", "no"),
        ("other_way", "it was the only way", "no"),
        ("other_way", "I could have emailed but it was too slow", "yes"),
        ("other_way", "yes, by email", "yes"),
        ("other_way", "yep", "yes"),
        ("other_way", "No, I could have emailed", ""),  # contradicts itself: ask again
        ("other_way", "yes, there was no other way", ""),
        ("other_way", "maybe", ""),
        ("other_way", "banana", ""),
    ],
)
def test_yes_no_by_meaning(field, reply, expected):
    assert meaning(field, reply) == expected


@pytest.mark.parametrize(
    ("field", "reply", "expected"),
    [
        ("party_type", "Parent or guardian", "parent"),
        ("party_type", "parents", "parent"),
        ("party_type", "stepdad", "parent"),
        ("party_type", "the school nurse", "other"),
        ("party_type", "mother of the student", ""),  # names two: ask again
        ("party_type", "today at 7:45 am", ""),
        ("phone", "School-issued cell", "school_cell"),
        ("phone", "my cell", "personal_cell"),
        ("phone", "work phone", "school_cell"),
        ("phone", "cell", ""),
    ],
)
def test_choices_by_meaning(field, reply, expected):
    spec = FORM.field(field)
    assert pick(reply, spec.choices, spec.choice_words) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can I text a student", True),
        ("Should staff friend parents on Facebook", True),
        ("what should I do now", True),
        ("anything at all?", True),
        ("when the bell rang I called the parent", False),
        ("could not reach the office", False),
        ("did not answer the school phone", False),
        ("I told the parent. We agreed to meet.", False),
        ("J.D.", False),
        ("", False),
    ],
)
def test_is_question(text, expected):
    assert is_question(text) is expected


def test_only_named_clauses_ask_for_the_policy():
    assert wants_lookup("clause 3.5") and wants_lookup("policy") and wants_lookup("section 2")
    assert not wants_lookup("1") and not wants_lookup("3.4")  # a number may be an answer


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Jane Doe, grade 8", ("name",)),
        ("spoke with Mrs Patel", ("name",)),
        ("call back on 508-555-0142", ("phone",)),
        ("(508) 555 0142", ("phone",)),
        ("jd.parent@example.com", ("email",)),
        ("she lives at 12 Elm Street", ("address",)),
        ("the student forgot her inhaler and had an asthma attack", ("health",)),
        ("J.D., grade 8", ()),
        ("The student left the field trip site near the North Gate", ()),
        ("On Monday the parent called the school office", ()),
    ],
)
def test_personal_detail_heuristics(text, found):
    assert privacy.findings(text) == found


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_reply_gives_a_definite_reading_or_nothing(text):
    for field in ("confidential", "emergency", "other_way"):
        assert meaning(field, text) in ("yes", "no", "")
    for field in ("party_type", "phone"):
        spec = FORM.field(field)
        assert pick(text, spec.choices, spec.choice_words) in ("", *dict(spec.choices))
    assert isinstance(is_question(text), bool)
    assert set(privacy.findings(text)) <= {"name", "phone", "email", "address", "health"}


@pytest.mark.parametrize(
    ("field", "reply", "expected"),
    [
        ("other_way", "I'm not sure", ""),  # unsure is asked again, not read as "no"
        ("other_way", "absolutely not", "no"),
        ("other_way", "it was after hours", "no"),
        ("emergency", "a student ran away", "yes"),
        ("emergency", "it could have waited", "no"),
    ],
)
def test_more_yes_no_wordings(field, reply, expected):
    assert meaning(field, reply) == expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [("p", "personal_cell"), ("my husband's phone", "other"), ("home phone", "other")],
)
def test_more_phone_wordings(reply, expected):
    spec = FORM.field("phone")
    assert pick(reply, spec.choices, spec.choice_words) == expected
