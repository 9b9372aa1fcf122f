"""The forms in use: every `*.yml` in the forms directory (EDC_FORMS_DIR), read and checked once.

Each form file says where staff find it (command word, help line, start button, Slack modal,
Teams command lists); help, manifests, Home and command parsing all read it from here, so adding
a form touches the form file only (docs/adding-a-form.md).

The directory is chosen once per process, at start-up, from the configuration (`use_forms`,
called by bot/wiring.py and the reports CLI); stored reports name their form, so every part of a
process must see the same forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.config import BUILT_IN_FORMS
from bot.forms.spec import FormError, FormSpec, read_form

BUILT_IN = BUILT_IN_FORMS
# Besides bot/commands.py's words: a form's command may not be one of these either.
RESERVED_WORDS = frozenset({"clause", "section", "item", "new", "restart", "start"})


@dataclass(frozen=True)
class Forms:
    directory: Path
    all: tuple[FormSpec, ...]  # in menu order: `order`, then the file name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(f.name for f in self.all))

    @property
    def with_command(self) -> tuple[FormSpec, ...]:
        return tuple(f for f in self.all if f.command)

    @property
    def startable(self) -> tuple[FormSpec, ...]:
        """Forms with a start button, the first one the main one."""
        return tuple(f for f in self.all if f.startable)

    def get(self, name: str) -> FormSpec:
        """The form `name`. Raises FormError when there is none (e.g. its file was removed)."""
        form = next((f for f in self.all if f.name == name), None)
        if form is None:
            raise FormError(f"{name}.yml: no such form in {self.directory}")
        return form

    def by_command(self, word: str) -> FormSpec | None:
        return next((f for f in self.all if f.command and f.command == word), None)

    def find(self, word: str) -> FormSpec | None:
        """The form named `word`, or whose command it is (button values of either kind)."""
        return next((f for f in self.all if word in (f.name, f.command)), None)

    def resting_on(self, clause: str) -> FormSpec | None:
        """The startable form that the policy item `clause` asks staff to file."""
        return next((f for f in self.startable if f.clause == clause), None)


@cache
def load_forms(directory: Path = BUILT_IN) -> Forms:
    """Every form in `directory`. Raises FormError naming the file at fault."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FormError(f"EDC_FORMS_DIR {directory} is not a directory")
    forms = sorted((read_form(p) for p in directory.glob("*.yml")), key=lambda f: (f.order, f.name))
    if not forms:
        raise FormError(f"EDC_FORMS_DIR {directory} holds no form (*.yml)")
    from bot.commands import WORD_COMMANDS

    seen: dict[str, str] = {}
    for form in forms:
        if not form.command:
            continue
        if form.command in WORD_COMMANDS or form.command in RESERVED_WORDS:
            raise FormError(f"{form.name}.yml: command {form.command!r} is a word the bot reads")
        if form.command in seen:
            raise FormError(
                f"{form.name}.yml: command {form.command!r} is also {seen[form.command]}.yml's"
            )
        seen[form.command] = form.name
    return Forms(directory=directory, all=tuple(forms))


_in_use: Path = BUILT_IN


def use_forms(directory: Path) -> Forms:
    """Make `directory` this process's forms; read and check them now, so a bad file stops
    start-up rather than a staff member's report. Returns them."""
    global _in_use
    forms = load_forms(Path(directory))
    _in_use = Path(directory)
    return forms


def current_forms() -> Forms:
    """The forms this process uses (the built-in ones unless `use_forms` chose others)."""
    return load_forms(_in_use)
