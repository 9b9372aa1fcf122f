"""The serving sections of `make bench`: bench/slack_bench.py (Slack round trip beside a minimal
Bolt app) and bench/hostile_bench.py (signed acks under attack, idle connections, a stalled key
endpoint).

Each module provides `run() -> dict[str, str | float]`. A failing section is reported in one
line and never stops the main benchmark.
"""

from __future__ import annotations

import importlib

from bench.report import grid

EXTRA_MODULES = ("slack_bench", "hostile_bench")


def extra_sections() -> list[str]:
    return [_section(name) for name in EXTRA_MODULES]


def _section(name: str) -> str:
    try:
        figures = importlib.import_module(f"bench.{name}").run()
        body = [[str(k), _fmt(v)] for k, v in dict(figures).items()]
    except Exception as exc:  # noqa: BLE001 — an extra section must never sink the bench
        return f"{name}: not measured ({type(exc).__name__}: {exc})"
    return f"{name}\n" + grid(["metric", "value"], body)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
