"""Forms as data: the fields of a report and where staff find it, read from a YAML file and checked.

A form is everything the dialog needs to ask, explain, validate and review, plus its place in the
menus (command word, help line, start button, Slack modal, Teams command list); the engine holds
no wording of its own about any particular form. A malformed definition fails at start-up with
the file and field named, never halfway through a staff member's report. The contract is
docs/adding-a-form.md; the forms in use are the registry's (bot/forms/registry.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.config import ConfigError

KINDS = ("text", "long_text", "choice", "yes_no", "datetime")
CONDITIONS = ("late",)  # names a field's `show_if` may use; evaluated by bot/forms/dialog.py


class FormError(ConfigError):
    """A form definition is malformed; the message names the file and the field. A
    configuration error: the forms directory is a setting (EDC_FORMS_DIR)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    prompt: str
    kind: str = "text"
    why: str = ""
    example: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label)
    choice_words: tuple[tuple[str, ...], ...] = ()  # per choice: other words that pick it
    optional: bool = False
    validator: str = ""  # a name in bot/forms/validators.py; default: the kind's own
    min_length: int = 0
    min_words: int = 0
    max_length: int = 4000
    privacy: bool = False  # show the privacy reminder with this question
    show_if: str = ""  # a name in CONDITIONS; the field is asked only when it holds
    remember: bool = False  # offer this user's previous answer next time
    warn_if: str = ""  # an answer that earns `warning` (the pre-checks of item 3.5)
    warning: str = ""
    yes_words: tuple[str, ...] = ()  # a yes_no field: words in a reply that mean yes here
    no_words: tuple[str, ...] = ()  # ... and no ("closed" at "could you have reached them?")


@dataclass(frozen=True)
class FormSpec:
    name: str
    command: str
    title: str
    number_prefix: str
    clause: str
    intro: str
    privacy_reminder: str
    submit_statement: str
    fields: tuple[FieldSpec, ...]
    clock_field: str = ""
    supervisor_field: str = ""
    clock_text: str = ""  # the footer's clock: "Call at {when} · {ago} ago — …"
    delay_text: str = ""  # the review's clock: "Time since the call: {delay}."
    # Where staff find the form (docs/adding-a-form.md):
    help: str = ""  # its line in /edc help, after "/edc <command>"
    amends_report: bool = False  # a correction: `/edc <command> N` names the report it amends
    start_button: str = ""  # a start button on Slack Home, the Teams welcome and answers
    modal: bool = False  # Slack may offer the whole form at once ("Fill in as a form")
    teams_personal: str = ""  # its description in Teams' personal command list ("" = absent)
    teams_team: str = ""  # ... and in the channel (team) command list
    intent: str = ""  # a regular expression for a sentence that asks for it
    order: int = 50  # position in the menus (then the file name)

    @property
    def startable(self) -> bool:
        """Started by itself from a button (not only by naming a report it amends)."""
        return bool(self.start_button) and not self.amends_report

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


def load_form(name: str) -> FormSpec:
    """The form `name` (its file stem) among the forms in use. Raises FormError if unknown."""
    from bot.forms.registry import current_forms

    return current_forms().get(name)


def form_names() -> tuple[str, ...]:
    from bot.forms.registry import current_forms

    return current_forms().names


def read_form(path: Path) -> FormSpec:
    """The form in the YAML file `path`. Raises FormError if it is unreadable or malformed."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FormError(f"{path.name}: cannot read the form ({exc})") from None
    form = _form(data, path.name)
    if form.name != path.stem:
        raise FormError(f"{path.name}: name {form.name!r} must be the file name without .yml")
    return form


def _form(data: object, where: str) -> FormSpec:
    if not isinstance(data, dict):
        raise FormError(f"{where}: expected a mapping")
    data = dict(data)
    raw_fields = data.pop("fields", None)
    if not isinstance(raw_fields, list) or not raw_fields:
        raise FormError(f"{where}: a form needs a list of fields")
    try:
        form = FormSpec(**data, fields=tuple(_field(f, where) for f in raw_fields))
    except TypeError as exc:
        raise FormError(f"{where}: {exc}") from None
    names = [f.name for f in form.fields]
    if len(set(names)) != len(names):
        raise FormError(f"{where}: duplicate field names")
    for special in (form.clock_field, form.supervisor_field):
        if special and special not in names:
            raise FormError(f"{where}: {special!r} is not a field of the form")
    _check_menu(form, where)
    return form


_COMMAND_WORD = re.compile(r"^[a-z][a-z0-9-]{1,29}$")
# Report numbers are read back by `/edc ack N` (bot/reports/numbers.py NUMBER): letters, and
# at most one more "-letter"; empty for a form numbered after the report it amends.
_NUMBER_PREFIX = re.compile(r"^[A-Z]+(?:-[A-Z])?$")


def _check_menu(form: FormSpec, where: str) -> None:
    """The keys that place the form in the menus (docs/adding-a-form.md)."""
    for key in ("name", "title", "clause", "intro", "submit_statement"):
        if not isinstance(getattr(form, key), str) or not getattr(form, key).strip():
            raise FormError(f"{where}: {key} must be some text")
    if not (_NUMBER_PREFIX.match(form.number_prefix) or form.amends_report):
        raise FormError(f"{where}: number_prefix must be capital letters, like EDC or EDC-C")
    if form.command and not _COMMAND_WORD.match(form.command):
        raise FormError(f"{where}: command must be one lowercase word, got {form.command!r}")
    if form.command and not form.help.strip():
        raise FormError(f"{where}: a form with a command needs a help line (help:)")
    menus = ("help", "start_button", "teams_personal", "teams_team", "intent")
    if not form.command and any(getattr(form, key) for key in menus):
        raise FormError(f"{where}: {', '.join(menus)} need a command")
    if form.amends_report and (form.start_button or form.modal):
        raise FormError(f"{where}: a form that amends a report has no start button or modal")
    for key in ("amends_report", "modal"):
        if not isinstance(getattr(form, key), bool):
            raise FormError(f"{where}: {key} must be true or false")
    if not isinstance(form.order, int) or isinstance(form.order, bool):
        raise FormError(f"{where}: order must be a whole number")
    if len(form.start_button) > 75:  # Slack's and Teams' button text limit
        raise FormError(f"{where}: start_button is longer than 75 characters")
    for key in ("teams_personal", "teams_team"):
        if len(getattr(form, key)) > 128:  # the Teams manifest's limit for a description
            raise FormError(f"{where}: {key} is longer than 128 characters")
    if form.intent:
        try:
            re.compile(form.intent)
        except re.error as exc:
            raise FormError(f"{where}: intent is not a regular expression ({exc})") from None


def _field(data: object, where: str) -> FieldSpec:
    if not isinstance(data, dict) or "name" not in data:
        raise FormError(f"{where}: every field needs a name")
    where = f"{where}: field {data['name']!r}"
    raw_choices = data.pop("choices", []) or []
    if not all(isinstance(c, list) and len(c) in (2, 3) for c in raw_choices):
        raise FormError(f"{where}: each choice is [value, label] or [value, label, [words]]")
    choices = tuple((str(c[0]), str(c[1])) for c in raw_choices)
    choice_words = tuple(tuple(str(w) for w in (c[2] if len(c) == 3 else ())) for c in raw_choices)
    for key in ("yes_words", "no_words"):
        data[key] = tuple(str(w) for w in data.get(key) or ())
    try:
        spec = FieldSpec(**data, choices=choices, choice_words=choice_words)
    except TypeError as exc:
        raise FormError(f"{where}: {exc}") from None
    from bot.forms.validators import VALIDATORS

    if spec.kind not in KINDS:
        raise FormError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if spec.kind == "choice" and not spec.choices:
        raise FormError(f"{where}: a choice field needs choices")
    if spec.validator and spec.validator not in VALIDATORS:
        raise FormError(f"{where}: unknown validator {spec.validator!r}")
    if spec.show_if and spec.show_if not in CONDITIONS:
        raise FormError(f"{where}: unknown condition {spec.show_if!r}")
    return spec
