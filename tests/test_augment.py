"""Training copies with synonym-table phrases swapped: both ways, deterministic."""

from knowledge.augment import Swapper

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
