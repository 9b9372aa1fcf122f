"""Chat around a question is stripped; the question itself is never cut into.

The openings and closings in tests/chatter_phrases.py are staff chat in many voices; every one
of them, around every plain question there, must leave what the ranker sees of the question
unchanged. The ranker sees the folded words of the stripped text, stripped once more (the
speller folds the text and the featurizer strips it again), so that is what is compared."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.chatter import strip_chatter
from knowledge.normalize import fold
from tests.chatter_phrases import CLOSINGS, IN_SCOPE, OPENINGS, OUT_OF_SCOPE

QUESTIONS = IN_SCOPE + OUT_OF_SCOPE


def seen(text: str) -> list[str]:
    """The words the ranker gets from a text: stripped, folded (the speller), stripped again."""
    once = " ".join(w for w in re.split(r"[^a-z0-9#]+", fold(strip_chatter(text))) if w)
    return [w for w in re.split(r"[^a-z0-9#]+", fold(strip_chatter(once))) if w]


def test_the_lists_are_large_and_varied():
    assert len(OPENINGS) >= 150 and len(CLOSINGS) >= 40
    assert len(set(OPENINGS)) == len(OPENINGS) and len(set(CLOSINGS)) == len(CLOSINGS)


@pytest.mark.parametrize("opening", OPENINGS)
def test_every_opening_is_stripped(opening):
    # three questions per opening, a different three for each
    k = OPENINGS.index(opening) * 3
    for question in (QUESTIONS * 2)[k % len(QUESTIONS) : k % len(QUESTIONS) + 3]:
        assert seen(f"{opening} {question}") == seen(question), (opening, question)


@pytest.mark.parametrize("closing", CLOSINGS)
def test_every_closing_is_stripped(closing):
    k = CLOSINGS.index(closing) * 3
    for question in (QUESTIONS * 2)[k % len(QUESTIONS) : k % len(QUESTIONS) + 3]:
        assert seen(f"{question} {closing}") == seen(question), (closing, question)


@pytest.mark.parametrize("question", QUESTIONS)
def test_openings_and_closings_together_are_stripped(question):
    k = QUESTIONS.index(question)
    for i in range(k, len(OPENINGS), len(QUESTIONS)):
        text = f"{OPENINGS[i]} {question} {CLOSINGS[i % len(CLOSINGS)]}"
        assert seen(text) == seen(question), text


@pytest.mark.parametrize("question", [q for q in QUESTIONS if not q.startswith("so ")])
def test_a_plain_question_is_unchanged(question):
    assert strip_chatter(question) == question
    assert seen(question) == [w for w in re.split(r"[^a-z0-9#]+", fold(question)) if w]


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
        ("As a coach, can I text my players?", "can I text my players?"),
        ("as a coach can I text my players", "as a coach can I text my players"),
        ("2nd grade teacher here can I text a student", "can I text a student"),
        ("Hi Sarah! hello world program for my CS class", "hello world program for my CS class"),
        ("(art teacher) can I post student art?", "can I post student art?"),
        ("so this came up at lunch today: can I text a student", "can I text a student"),
        ("can I follow a parent? Thanks, Sarah", "can I follow a parent?"),
        ("can I follow a parent? Best, Jordan", "can I follow a parent?"),
        ("can I follow a parent -Mr. K", "can I follow a parent"),
        ("hi 👋 can I follow a parent 🙏", "can I follow a parent"),
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
        "hello world program for my CS class",
        "hi-res photos of my students, can I post them",
        "just how private does my account need to be",
        "My principal texted me last night, can he do that?",
        "a teacher on Facebook, is that allowed",
        "Instagram question: can I follow a parent",
        "photos from the field trip: can I post them",
        "which app is best",
        "can I use Remind or is texting better, thanks to the new rules",
    ],
)
def test_the_question_itself_is_kept(text):
    assert strip_chatter(text) == text


@pytest.mark.parametrize(
    "text", ["hi", "thanks!", "hey there", "", "sorry to bother you", "2nd grade teacher here"]
)
def test_nothing_but_chat_is_kept_whole(text):
    assert strip_chatter(text) == text


# A pattern that could read the same words two ways backtracks exponentially on a long run of
# them; these would never finish then (pytest's timeout fails the run).
@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("hi " * 400 + "can I text a student", "can I text a student"),
        ("sorry " * 300 + "x", None),
        ("i was " * 200 + "x", None),
        ("quick " * 300 + "x", None),
        ("here " * 300, None),
        ("can I text a student " + "thanks please " * 60, "can I text a student"),
        ("can I text a student" + " ." * 500 + "z", None),
        ("x y, " + ", " * 500 + "z", None),
        ("can I text a student " + "- Sarah " * 200, None),
    ],
)
def test_long_hostile_input_is_handled(text, left):
    out = strip_chatter(text)
    assert out.strip()
    if left is not None:
        assert out.endswith(left)
    assert out in text  # a slice: nothing is added or rearranged


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_is_a_nonempty_slice_of_itself(text):
    out = strip_chatter(text)
    assert out in text
    assert out or not text
    if text.strip():
        assert out.strip()


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(OPENINGS),
    st.sampled_from(QUESTIONS),
    st.sampled_from([*CLOSINGS, ""]),
    st.sampled_from(["lower", "upper", "same"]),
)
def test_chat_in_any_case_is_stripped(opening, question, closing, case):
    def cased(s):
        return s.lower() if case == "lower" else s.upper() if case == "upper" else s

    text = f"{cased(opening)} {question} {cased(closing)}".strip()
    assert seen(text) == seen(question)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "I have a question about the social networking policy. Can I friend a student?",
            "Can I friend a student?",
        ),
        ("Quick q re: the district social media guidelines - is my tiktok ok", "is my tiktok ok"),
        ("got a question on our policy: can I text a student", "can I text a student"),
        (
            "I was just reading through the EDC policy and am I allowed to post photos",
            "am I allowed to post photos",
        ),
        ("Per the social media guidelines, should I accept", "should I accept"),
        ("Social networking policy question: can I text a student", "can I text a student"),
        ("about the policy is it ok to text a kid", "is it ok to text a kid"),
    ],
)
def test_a_lead_in_about_the_policy_itself_is_stripped(text, question):
    assert strip_chatter(text) == question


@pytest.mark.parametrize(
    "text",
    [
        "I have a question about the dress code policy. Can staff wear jeans on Friday?",
        "question about texting parents: is it ok at night",
        "I was reading the Remind rules and can I text a student",
        "the policy question is whether I can text",
        "the policy says I can't follow a parent, right?",
    ],
)
def test_a_lead_in_naming_another_topic_is_kept(text):
    assert strip_chatter(text) == text


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "My co-teacher brought this up during planning and can I text a student",
            "can I text a student",
        ),
        ("At the staff meeting yesterday, can I text a student", "can I text a student"),
        (
            "Our whole hallway was debating this after dismissal, is it ok to follow a parent",
            "is it ok to follow a parent",
        ),
        ("the librarian was asking me whether we can post photos", "we can post photos"),
        ("Context: I'm the band director at the high school. can I text a kid", "can I text a kid"),
        ("can I text a student? Sent from my iPad", "can I text a student?"),
        ("can I text a student - sent from my phone", "can I text a student"),
        ("can I text a student? appreciate any advice on this", "can I text a student?"),
        ("can I text a student? thanks, my prep is almost over", "can I text a student?"),
    ],
)
def test_a_story_around_the_question_is_stripped(text, question):
    assert strip_chatter(text) == question


@pytest.mark.parametrize(
    "text",
    [
        # the lead-in names who or what the question is about
        "A parent friended me on Facebook. Should I accept?",
        "My student is 18 and graduated, can I friend him",
        "the kids in my class were talking about this at lunch: can they follow me",
        "one of the moms stopped me at pickup and can I text her",
        "My principal asked me to post photos on Facebook, is that ok?",
        "can I forward an email sent from my phone",
        "can I text a student? the parents asked me to",
        "photos from the field trip: can I post them",
    ],
)
def test_a_lead_in_with_the_topic_is_kept(text):
    assert strip_chatter(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "my colleague asked " * 300 + "can I text a student",
        "we were talking and " * 300 + "x",
        "about the policy " * 300 + "x",
        "at lunch " * 400 + "can I text a student",
        "can I text a student? " + "my class is waiting " * 100,
    ],
)
def test_long_stories_are_handled(text):
    out = strip_chatter(text)
    assert out.strip() and out in text
