"""The question in a message that tells its story first weighs more (knowledge/focus.py)."""

import re

import pytest

from knowledge.features import Featurizer
from knowledge.focus import focus_start
from knowledge.normalize import fold


def folded(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9#]+", fold(text)) if w]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("A parent friended me on Facebook. Should I accept?", "should i accept"),
        ("one of the moms stopped me at pickup and can I text her", "can i text her"),
        ("If a student friends me can I accept", "can i accept"),
        ("my team was wondering what happens if I post a photo", "what happens if i post a photo"),
        ("the parent who is texting me, can I block her", "can i block her"),
    ],
)
def test_the_asking_part_after_a_story_is_found(text, question):
    seq = folded(text)
    assert " ".join(seq[focus_start(seq) :]) == question


@pytest.mark.parametrize(
    "text",
    [
        "what should I do if a parent texts me",
        "can I text a student? is that ok",
        "I am not sure if it is ok to post photos",
        "text my players about practice",
        "",
    ],
)
def test_a_text_that_asks_from_its_start_has_no_separate_focus(text):
    assert focus_start(folded(text)) == 0


def test_the_question_after_a_story_counts_more_than_the_story():
    featurizer = Featurizer({"text message": ("text",), "parent": ("mom",)})
    story = "one of the moms stopped me at pickup and can I text her"
    words = featurizer.word_features(story)
    assert words.count("text") > words.count("pickup") == 1
    assert "?can" in words  # the question's opening word is an intent token again
    assert words.count("?can") == words.count("text") - 1  # the story has no "?can"
    chars = featurizer.char_features(story)
    assert chars.count(" tex") > chars.count(" pic") == 1


def test_a_plain_question_is_seen_as_before():
    featurizer = Featurizer({})
    words = featurizer.word_features("can I text a student")
    assert sorted(words) == sorted(set(words))  # nothing counted twice
