"""The forms registry: what the built-in form files declare, and the mistakes in a form file
that stop start-up with the file and the key named (docs/adding-a-form.md)."""

from __future__ import annotations

import pytest

from bot.actions import START_FORM
from bot.forms.menu import form_to_start, help_lines, start_buttons
from bot.forms.registry import BUILT_IN, load_forms
from bot.forms.spec import FormError
from bot.messages import Action

SMALL = """\
name: {name}
command: {command}
title: Small
number_prefix: EDC-S
clause: "3.9"
help: a small form
intro: Hello.
privacy_reminder: Privacy.
submit_statement: Sure.
fields:
  - name: what
    label: What
    prompt: What?
"""


def _folder(tmp_path, **files: str):
    for name, text in files.items():
        (tmp_path / f"{name}.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_built_in_forms_in_menu_order():
    forms = load_forms(BUILT_IN)
    assert [f.name for f in forms.startable] == ["emergency_call", "policy_concern"]
    assert [f.command for f in forms.with_command] == ["report", "concern", "addendum"]
    assert forms.resting_on("3.5").name == "emergency_call"  # not the addendum, which amends
    assert forms.find("report") is forms.find("emergency_call")
    [report, concern] = start_buttons(forms).buttons
    assert (report.action, report.value, report.style) == (START_FORM, "emergency_call", "primary")
    assert (concern.value, concern.style) == ("policy_concern", "")
    assert help_lines(forms)[-1].startswith("  /edc addendum N      — a correction")


@pytest.mark.parametrize(
    ("action", "form"),
    [
        (Action(START_FORM, "policy_concern"), "policy_concern"),
        (Action(START_FORM, "concern"), "policy_concern"),
        (Action("report.start"), "emergency_call"),  # a button posted before form.start
        (Action(START_FORM, "addendum"), None),  # amends a report: never started alone
        (Action(START_FORM, "nonsense"), None),
        (Action("dialog.submit"), None),
    ],
)
def test_start_buttons_name_a_startable_form(action, form):
    found = form_to_start(action, load_forms(BUILT_IN))
    assert (found.name if found else None) == form


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SMALL.format(name="small", command="help"), "'help' is a word the bot reads"),
        (SMALL.format(name="small", command="Two words"), "command must be one lowercase word"),
        (SMALL.format(name="other", command="small"), "must be the file name"),
        (
            SMALL.format(name="small", command="small").replace("help: a small form\n", ""),
            "needs a help line",
        ),
        (SMALL.format(name="small", command="small") + "intent: '(unclosed'\n", "intent"),
        (SMALL.format(name="small", command="small").replace("EDC-S", "edc s"), "number_prefix"),
        (SMALL.format(name="small", command="small") + "modal: yes please\n", "modal"),
        (SMALL.format(name="small", command="small") + "colour: red\n", "colour"),
        (
            SMALL.format(name="small", command="small") + "amends_report: true\nmodal: true\n",
            "no start button or modal",
        ),
    ],
)
def test_a_mistake_in_a_form_file_is_named(tmp_path, text, message):
    with pytest.raises(FormError) as caught:
        load_forms(_folder(tmp_path, small=text))
    assert "small.yml" in str(caught.value) and message in str(caught.value)


def test_two_forms_may_not_share_a_command(tmp_path):
    folder = _folder(
        tmp_path,
        one=SMALL.format(name="one", command="same"),
        two=SMALL.format(name="two", command="same"),
    )
    with pytest.raises(FormError, match="'same' is also one.yml's"):
        load_forms(folder)


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(FormError, match="holds no form"):
        load_forms(tmp_path)
