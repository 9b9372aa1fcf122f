"""Buttons a surface cannot honour are left out there, not shown dead."""

import json

from bot.messages import Button, Buttons, Reply, Text
from bot.render_text import render as render_text
from handlers.teams.cards import render as render_card

REPLY = Reply(
    (
        Text("Start"),
        Buttons(
            (
                Button("Fill in as a form", "form.open", "emergency_call"),
                Button("Share in channel", "answer.share", "q1"),
                Button("3.5 Contact students", "clause.show", "3.5"),
            )
        ),
    ),
    kind="answer",
    private=True,
)


def test_teams_cards_omit_optional_actions_and_keep_the_rest():
    card = json.dumps(render_card(REPLY))
    assert "form.open" not in card and "answer.share" not in card
    assert "clause.show" in card


def test_console_shows_only_what_can_be_typed():
    text = render_text(REPLY)
    assert "Fill in as a form" not in text and "Share in channel" not in text
    assert "/edc 3.5  Contact students" in text  # a button shown as the command to type
    assert "[" not in text  # nothing that looks pressable
