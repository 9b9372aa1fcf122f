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
