"""Training copies with synonym-table phrases swapped: both ways, deterministic."""

from knowledge import chat_openings
from knowledge.augment import Swapper, chat_wrapped
from tests import chat_openings_heldout

SYNONYMS = {"text message": ("text", "sms", "imessage"), "student": ("kid", "pupil")}


def test_a_staff_phrase_becomes_its_policy_term_and_back():
    swapper = Swapper(SYNONYMS)
    assert swapper.swapped("can i text a kid") == "can i text message a student"
    assert swapper.swapped("can i send a text message to a student") in {
        f"can i send a {t} to a {s}" for t in ("text", "sms", "imessage") for s in ("kid", "pupil")
    }


def test_the_same_question_always_gives_the_same_copy():
    a, b = Swapper(SYNONYMS), Swapper(SYNONYMS)
    text = "is a text message to a student ok"
    assert a.swapped(text) == b.swapped(text) == a.swapped(text)


def test_a_question_without_known_phrases_has_no_copy():
    assert Swapper(SYNONYMS).swapped("when is payday") is None


def test_words_inside_other_words_are_not_swapped():
    assert Swapper(SYNONYMS).swapped("the context of kidding") is None


def test_a_chat_wrapped_copy_keeps_the_question_and_is_stable():
    question = "can I friend a student on facebook?"
    wrapped = chat_wrapped(question)
    opening = wrapped.split(question)[0].strip()
    assert question in wrapped and opening in chat_openings.OPENINGS
    assert chat_wrapped(question) == wrapped


def test_the_training_openings_are_not_the_ones_cross_validation_measures_with():
    """The held-out openings measure robustness to chat the trainer never saw."""
    held_out = {o.lower().strip() for o in chat_openings_heldout.OPENINGS}
    assert not held_out & {o.lower().strip() for o in chat_openings.OPENINGS}


def test_the_chat_copies_use_many_openings():
    questions = [f"question number {i} about posting photos" for i in range(200)]
    used = {chat_wrapped(q).split(" question number")[0] for q in questions}
    assert len(used) >= 40
