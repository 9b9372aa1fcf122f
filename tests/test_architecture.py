"""bot/ and knowledge/ stay platform-neutral: no platform SDK import, no import-time side effects."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp")


def modules(package):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    "path", modules("bot") + modules("knowledge"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_core_never_imports_a_platform_sdk(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def _action_names() -> set[str]:
    from bot import actions

    return {v for k, v in vars(actions).items() if k.isupper() and isinstance(v, str)}


@pytest.mark.parametrize(
    "path",
    [p for p in modules("bot") + modules("handlers") if p.name != "actions.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_button_actions_are_named_through_bot_actions(path: Path):
    """The core and the adapters share bot/actions.py: a copy of an action's string elsewhere
    would drift from it unnoticed."""
    names = _action_names()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert not literals & names, f"{path.name} spells out {sorted(literals & names)}"
