import pytest

from bot.commands import MAX_QUESTION_CHARS, Command, clean, parse


@pytest.mark.parametrize(
    ("text", "name", "arg"),
    [
        ("/edc can I text a student?", "question", "can I text a student?"),
        ("edc help", "help", ""),
        ("/EDC   policy", "policy", ""),
        ("3.5", "clause", "3.5"),
        ("/edc clause 3.12", "clause", "3.12"),
        ("section 2", "clause", "2"),
        ("/edc 3.99", "clause", "3.99"),
        ("why", "why", ""),
        ("", "empty", ""),
        ("   /edc   ", "empty", ""),
        ("report", "form", ""),
        ("I need to file an emergency call report", "form", ""),
        (
            "do I need to file a report after a call from my cell?",
            "question",
            "do I need to file a report after a call from my cell?",
        ),
        (
            "report a colleague who posts student photos?",
            "question",
            "report a colleague who posts student photos?",
        ),
        ("ack EDC-2026-0001", "ack", "EDC-2026-0001"),
        ("edit content", "edit", "content"),
        ("hello", "greeting", ""),
        ("Good morning!", "greeting", ""),
        ("thanks!", "thanks", ""),
        ("thank you so much", "thanks", ""),
        ("when was this policy adopted", "policy", ""),
        ("what's the latest revision date of the policy?", "policy", ""),
        ("hello, can i text a student?", "question", "hello, can i text a student?"),
        (
            "thanks but can I friend a parent on facebook?",
            "question",
            "thanks but can I friend a parent on facebook?",
        ),
    ],
)
def test_parse(text, name, arg):
    command = parse(text)
    assert (command.name, command.arg) == (name, arg)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/edc report", Command("form", form="emergency_call")),
        ("I need to file an emergency call report", Command("form", form="emergency_call")),
        ("concern", Command("form", form="policy_concern")),
        ("addendum EDC-2026-0001", Command("form", "EDC-2026-0001", form="addendum")),
    ],
)
def test_a_form_command_names_its_form_from_the_form_file(text, command):
    assert parse(text) == command


def test_control_characters_are_dropped():
    assert clean("can i\x00 text\x1b a kid\x07") == "can i  text  a kid"


def test_long_question_is_cut_and_remembered():
    command = parse("q" * (MAX_QUESTION_CHARS * 20))
    assert command.name == "question"
    assert len(command.arg) == MAX_QUESTION_CHARS
    assert command.truncated_from == MAX_QUESTION_CHARS * 20
