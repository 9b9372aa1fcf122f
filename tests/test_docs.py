"""The README documents what the code offers: commands, settings, the two set-up commands."""

import argparse
import re

import app
from bot import config as config_module
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
    from bot.strings import HELP

    for command in (
        "/edc policy",
        "/edc 3.5",
        "/edc why",
        "/edc report",
        "/edc concern",
        "/edc help",
    ):
        assert command in HELP and command in README
