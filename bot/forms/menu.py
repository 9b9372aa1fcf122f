"""Where staff find the forms, derived from the form files: help lines, start buttons and the
actions those buttons carry (bot/actions.py START_FORM, OPEN_FORM). The adapters share these;
none of them lists forms itself.
"""

from __future__ import annotations

from bot.actions import START_FORM
from bot.forms.registry import Forms
from bot.forms.spec import FormSpec
from bot.messages import Action, Button, Buttons

_LEGACY_START = ".start"  # "report.start": buttons posted before START_FORM carried the command
AMENDS_ARG = "N"  # the help's placeholder for the report number an addendum names


def usage(form: FormSpec) -> str:
    """What staff type after /edc: "report", "addendum N"."""
    return f"{form.command} {AMENDS_ARG}" if form.amends_report else form.command


def help_lines(forms: Forms, *, prefix: str = "/edc ", width: int = 16) -> list[str]:
    """One line per form with a command, as /edc help shows them (aligned with its others)."""
    return [
        f"  {prefix}{(usage(f) + ' ').ljust(width)}— {' '.join(f.help.split())}"
        for f in forms.with_command
    ]


def start_button(form: FormSpec, *, primary: bool = False) -> Button:
    return Button(form.start_button, START_FORM, form.name, style="primary" if primary else "")


def start_buttons(forms: Forms) -> Buttons:
    """A start button per startable form, the first one primary."""
    return Buttons(tuple(start_button(f, primary=i == 0) for i, f in enumerate(forms.startable)))


def form_to_start(action: Action, forms: Forms) -> FormSpec | None:
    """The form a start button asks for; None when `action` is no start button or names no
    startable form."""
    if action.name == START_FORM:
        form = forms.find(action.value)
    elif action.name.endswith(_LEGACY_START):
        form = forms.by_command(action.name.removesuffix(_LEGACY_START))
    else:
        return None
    return form if form is not None and form.startable else None
