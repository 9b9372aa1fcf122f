"""The README documents what the code offers: commands, settings, the two set-up commands."""

import argparse
import re

import app
from bot import config as config_module
from bot.forms.registry import BUILT_IN, load_forms
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(actions[0].choices) if actions else set()


def test_every_cli_command_is_documented():
    parser = app._parser()
    for name in _subcommands(parser):
        assert f"python app.py {name}" in README, name
    reports = _subcommands(
        next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[
            "reports"
        ]
    )
    for name in reports:
        assert re.search(rf"reports[^\n]*\b{name}\b", README), f"reports {name}"


def test_every_setting_is_documented():
    for env_name in config_module._ENV_NAMES.values():
        assert env_name in README, env_name
        if not env_name.startswith("EDC_") or env_name in ("EDC_ENCRYPTION_KEY", "EDC_TIMEZONE"):
            assert env_name in (ROOT / ".env.example").read_text(encoding="utf-8"), env_name


def test_console_help_lists_the_documented_commands():
    from bot.engine import help_text

    help = help_text(load_forms(BUILT_IN))
    for command in ("/edc policy", "/edc 3.5", "/edc why", "/edc report", "/edc concern"):
        assert command in help and command in README
    assert "/edc help" in help and "/edc addendum N" in help


def test_every_form_command_is_documented_by_its_form_file_and_built_in_ones_in_the_readme():
    """A form's own help line (its file's `help`) documents its command in /edc help, so a
    district's form needs no README change; the forms shipped here are in the README too."""
    from bot.engine import help_text
    from bot.forms.menu import usage

    forms = load_forms(BUILT_IN)
    help = help_text(forms)
    for form in forms.with_command:
        line = next(line for line in help.splitlines() if f"/edc {usage(form)} " in line)
        assert " ".join(form.help.split()) in line, form.name
        assert _documented(form.command), form.command


def _documented(word: str) -> bool:
    """A chat word counts as documented in backticks or after /edc, as staff would type it."""
    return f"`{word}" in README or f"/edc {word}" in README


def test_every_chat_command_is_documented():
    from bot.commands import WORD_COMMANDS
    from bot.engine import help_text
    from bot.forms.strings import DIALOG_HELP
    from bot.reports.drafts import START_OVER_WORDS
    from handlers.teams.manifest import command_lists

    words = {*WORD_COMMANDS, *START_OVER_WORDS}
    teams = command_lists(load_forms(BUILT_IN)).values()
    words |= {w for commands in teams for w, _ in commands if not w.endswith("?")}
    words |= set(re.findall(r"^  (\w+)\b", DIALOG_HELP, flags=re.MULTILINE))  # its command column
    missing = sorted(w for w in words if not _documented(w))
    assert not missing, f"chat commands missing from README.md: {missing}"
    for command in re.findall(r"/edc [a-z0-9.]+", help_text(load_forms(BUILT_IN))):
        assert command in README, command


def test_every_reports_option_is_documented():
    parser = app._parser()
    verbs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    reports = next(
        a for a in verbs.choices["reports"]._actions if hasattr(a, "choices") and a.choices
    )
    for name, sub in reports.choices.items():
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    pattern = rf"reports {name}\b[^\n]*{re.escape(flag)}(?![\w-])"
                    assert re.search(pattern, README), f"reports {name} {flag}"


def test_every_set_up_command_option_is_documented():
    """The two commands that write what Slack and Teams are given: each option in the README."""
    verbs = next(a for a in app._parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name in ("slack-manifest", "teams-package"):
        for action in verbs.choices[name]._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert re.search(rf"{re.escape(flag)}(?![\w-])", README), f"{name} {flag}"


def test_readme_is_for_its_readers_and_the_internals_live_in_docs():
    assert "item 3.6" not in README  # the written report is item 3.5
    for section in ("## Chat commands", "## Configuration", "## Updating the policy knowledge"):
        assert section in README, section
    for link in re.findall(r"\]\((docs/[^)#]+)\)", README):
        assert (ROOT / link).is_file(), link
    benchmarks = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert "top-1 accuracy" in benchmarks and "top-1 accuracy" not in README
    assert "naive Bayes" in (ROOT / "docs" / "lookup.md").read_text(encoding="utf-8")
