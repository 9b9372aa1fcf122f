"""Forms as data: the fields of a report, loaded from bot/forms/definitions/*.yml and checked.

A form is everything the dialog needs to ask, explain, validate and review; the engine holds no
wording of its own about any particular form. A malformed definition fails at start-up with the
file and field named, never halfway through a staff member's report.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
KINDS = ("text", "long_text", "choice", "yes_no", "datetime")
CONDITIONS = ("late",)  # names a field's `show_if` may use; evaluated by bot/forms/dialog.py


class FormError(ValueError):
    """A form definition is malformed; the message names the file and the field."""


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

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


@cache
def load_form(name: str) -> FormSpec:
    """The form `name` (the file stem). Raises FormError if it is missing or malformed."""
    import yaml

    path = DEFINITIONS / f"{name}.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FormError(f"{path.name}: cannot read the form ({exc})") from None
    return _form(data, path.name)


def form_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in DEFINITIONS.glob("*.yml")))


def _form(data: object, where: str) -> FormSpec:
    if not isinstance(data, dict):
        raise FormError(f"{where}: expected a mapping")
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
    return form


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
