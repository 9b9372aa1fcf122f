"""Optional extra sections: bench/slack_bench.py, bench/teams_bench.py.

Each such module provides `run() -> dict[str, str | float]`. They are written separately and
may need dependencies this run lacks, so a missing module is skipped silently and a failing
one is reported in one line; neither stops the main benchmark.
"""

from __future__ import annotations

import importlib
import importlib.util

from bench.report import grid

EXTRA_MODULES = ("slack_bench", "teams_bench", "hostile_bench")


def extra_sections() -> list[str]:
    return [text for name in EXTRA_MODULES if (text := _section(name))]


def _section(name: str) -> str:
    qualified = f"bench.{name}"
    if importlib.util.find_spec(qualified) is None:
        return ""
    try:
        figures = importlib.import_module(qualified).run()
        body = [[str(k), _fmt(v)] for k, v in dict(figures).items()]
    except Exception as exc:  # noqa: BLE001 — an extra section must never sink the bench
        return f"{name}: not measured ({type(exc).__name__}: {exc})"
    return f"{name}\n" + grid(["metric", "value"], body)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
