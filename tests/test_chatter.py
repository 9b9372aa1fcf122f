"""Chat around a question is stripped; the question itself is never cut into."""

import pytest

from knowledge.chatter import strip_chatter


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Hi! can I friend a student on Facebook?", "can I friend a student on Facebook?"),
        ("hey, sorry to bug you, can parents text me thanks!", "can parents text me"),
        ("Good evening all. quick q: who do I call?", "who do I call?"),
        ("I'm a para at the high school and can I post photos", "can I post photos"),
        ("nurse here, can I text a parent about a med", "can I text a parent about a med"),
        ("Just wondering if the district reads my email", "the district reads my email"),
        ("So um, is it ok to dm kids? thx so much", "is it ok to dm kids?"),
        ("can IT see my texts lol", "can IT see my texts"),
    ],
)
def test_greetings_introductions_and_thanks_are_stripped(text, question):
    assert strip_chatter(text) == question


@pytest.mark.parametrize(
    "text",
    [
        "ok to follow students on instagram",
        "right to free speech",
        "well being of staff",
        "I'm allowed to post photos?",
        "It's my personal account, can the district see it",
        "what about my authority",
        "question about a field trip to the museum. how many chaperones?",
    ],
)
def test_the_question_itself_is_kept(text):
    assert strip_chatter(text) == text


@pytest.mark.parametrize("text", ["hi", "thanks!", "hey there", "", "sorry to bother you"])
def test_nothing_but_chat_is_kept_whole(text):
    assert strip_chatter(text) == text
