"""Render the benchmark: one side-by-side table, targets next to ours, misses on request."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.evalset import EvalRow
from bench.quality import Quality, Ranked, is_top1_miss

NA = "—"


@dataclass
class SystemRun:
    """Everything measured for one system in this run; None = not measured / not applicable."""

    name: str
    quality: Quality | None = None
    ranking_top1: float | None = None  # top-1 if it never declined: the ranking alone
    threshold: str = NA
    p50_ms: float | None = None
    p99_ms: float | None = None
    build_ms: float | None = None
    peak_mb: float | None = None
    cold_start_s: float | None = None
    cold_rss_mb: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    label: str
    get: Callable[[SystemRun], float | None]
    fmt: Callable[[float], str]
    target: tuple[str, float] | None = None  # (operator, value) for ours, e.g. (">=", 0.9)


def _pct(v: float) -> str:
    return f"{v * 100:.1f} %"


def _q(attr: str) -> Callable[[SystemRun], float | None]:
    return lambda run: getattr(run.quality, attr) if run.quality else None


ROWS = [
    Row("top-1 accuracy (in-scope)", _q("top1"), _pct, (">=", 0.90)),
    Row("top-3 accuracy (in-scope)", _q("top3"), _pct, (">=", 0.97)),
    Row("correct-decline rate (out-of-scope)", _q("correct_decline"), _pct, (">=", 0.85)),
    Row("false-decline rate (in-scope)", _q("false_decline"), _pct, ("<=", 0.05)),
    Row("top-1 if it never declined (ranking only)", lambda r: r.ranking_top1, _pct),
    Row("lookup latency p50", lambda r: r.p50_ms, lambda v: f"{v:.3f} ms"),
    Row("lookup latency p99", lambda r: r.p99_ms, lambda v: f"{v:.3f} ms", ("<", 1.0)),
    Row("index build time", lambda r: r.build_ms, lambda v: f"{v:.1f} ms"),
    Row("peak memory, build + all questions", lambda r: r.peak_mb, lambda v: f"{v:.2f} MB"),
    Row(
        "`app.py ask` cold start (median of 5)",
        lambda r: r.cold_start_s,
        lambda v: f"{v:.3f} s",
        ("<", 0.5),
    ),
    Row("`app.py ask` max RSS", lambda r: r.cold_rss_mb, lambda v: f"{v:.1f} MB"),
]
_OPS = {">=": (operator.ge, "≥"), "<=": (operator.le, "≤"), "<": (operator.lt, "<")}


def table(runs: Sequence[SystemRun]) -> str:
    """Metric rows × systems; the first system is ours and gets the target column."""
    header = ["metric", runs[0].name, "target", *(r.name for r in runs[1:])]
    body = [
        [row.label, _cell(row, runs[0]), _target(row, runs[0]), *(_cell(row, r) for r in runs[1:])]
        for row in ROWS
    ]
    body.append(["decline threshold", runs[0].threshold, "", *(r.threshold for r in runs[1:])])
    return grid(header, body)


def grid(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """Plain monospace table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]

    def fmt(line):
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *(fmt(line) for line in body)])


def _cell(row: Row, run: SystemRun) -> str:
    value = row.get(run)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NA
    return row.fmt(value)


def _target(row: Row, run: SystemRun) -> str:
    if not row.target:
        return ""
    op, goal = row.target
    test, sign = _OPS[op]
    shown = f"{goal * 100:g} %" if row.fmt is _pct else _goal_unit(row, goal)
    value = row.get(run)
    if value is None or math.isnan(value):
        return f"{sign} {shown}  ?"
    return f"{sign} {shown}  {'✓' if test(value, goal) else '✗'}"


def _goal_unit(row: Row, goal: float) -> str:
    unit = row.fmt(goal).split()[-1]
    return f"{goal:g} {unit}"


def misses(rows: Sequence[EvalRow], preds: Sequence[Ranked]) -> str:
    """The questions ours gets wrong, for diagnosis (printed, never stored)."""
    lines = []
    for row, pred in zip(rows, preds, strict=True):
        if not is_top1_miss(row, pred):
            continue
        expected = "/".join(row.clauses) if row.in_scope else "decline"
        got = "/".join(pred.clauses[:3]) or "nothing"
        got = got if pred.answered else f"declined (suggested {got})"
        lines.append([row.q[:90], expected, got, f"{pred.score:.3f}"])
    if not lines:
        return "ours: no misses."
    return grid(["question", "expected", "got", "confidence"], lines)
