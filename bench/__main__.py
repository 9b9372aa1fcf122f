"""`python -m bench`: run every system on the eval set and print one side-by-side table."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from bench import generalisation, quality, speed
from bench.evalset import DEFAULT_EVAL, REPO_ROOT, EvalError, load_eval
from bench.extras import extra_sections
from bench.report import SystemRun, misses, table
from bench.systems import OURS, System, fixed_threshold, systems


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        rows = load_eval(args.eval)
    except EvalError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    questions = [r.q for r in rows]
    n_in = sum(r.in_scope for r in rows)
    print(
        f"Evaluation set: {args.eval} — {len(rows)} questions "
        f"({n_in} in scope, {len(rows) - n_in} out of scope)\n"
    )
    runs, ours_preds = [], None
    for system in systems():
        run, preds = _measure(system, rows, questions, args.reps)
        runs.append(run)
        if system.name == OURS:
            ours_preds = preds
    _cold_start(runs[0])
    print(table(runs))
    print("answers when: " + "; ".join(f"{s.name} {s.score_name} ≥ threshold" for s in systems()))
    for run in runs:
        for note in run.notes:
            print(f"note ({run.name}): {note}")
    print(
        f"note (ours): the ranker's model file loads in {speed.model_load_ms():.0f} ms (median of 5)"
    )
    if args.misses and ours_preds is not None:
        print("\nQuestions ours gets wrong:\n" + misses(rows, ours_preds))
    print("\n" + generalisation.section())
    for section in extra_sections():
        print("\n" + section)
    print(
        f"\n(bench took {time.perf_counter() - started:.1f} s; latency over {args.reps} "
        f"passes of all {len(rows)} questions after a warm-up pass)"
    )
    return 1 if runs[0].quality is None else 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="JSON Lines eval set")
    p.add_argument("--misses", action="store_true", help="list the questions ours gets wrong")
    p.add_argument("--reps", type=int, default=20, help="latency passes over all questions")
    return p


def _measure(system: System, rows, questions, reps):
    """Quality, threshold, latency, build time and memory for one system."""
    run = SystemRun(system.name)
    try:
        ranker = system.build()
    except Exception as exc:  # noqa: BLE001 — e.g. knowledge data mid-edit: report, go on
        run.notes.append(f"could not build: {type(exc).__name__}: {exc}")
        return run, None, ""
    preds = [ranker.rank(q) for q in questions]
    run.ranking_top1 = quality.score(rows, quality.with_threshold(preds, -math.inf)).top1
    threshold = quality.sweep(rows, preds)[0] if system.swept else math.nan
    if system.swept:
        preds = quality.with_threshold(preds, threshold)
    run.quality = quality.score(rows, preds)
    run.threshold = _threshold_label(system, threshold)
    lookup = _lookup(ranker, threshold if system.swept else None)
    run.p50_ms, run.p99_ms = speed.latency_ms(lookup, questions, reps)
    run.build_ms = speed.build_ms(system.build)
    run.peak_mb = speed.peak_python_mb(system.build, questions)
    return run, preds


def _threshold_label(system: System, threshold: float) -> str:
    """Short, for the table; what the score is goes in the legend under it."""
    if system.name == OURS:
        return f"P(covered) ≥ {fixed_threshold()} (CV)"
    if not system.swept:
        return "own (fixed)"
    if math.isinf(threshold):
        return "∞: declines all (swept)"
    return f"{threshold:.2f} (swept)"


def _lookup(ranker, threshold: float | None):
    """What one lookup costs, decline decision included."""
    if threshold is None:
        return ranker.rank
    return lambda q: ranker.rank(q).score >= threshold


def _cold_start(run: SystemRun) -> None:
    result = speed.cold_start(REPO_ROOT)
    if result.error:
        run.notes.append(f"`app.py ask` failed: {result.error}")
        return
    run.cold_start_s, run.cold_rss_mb = result.median_s, result.max_rss_mb
    if result.sdk_modules:
        run.notes.append(f"`app.py ask` imported {', '.join(result.sdk_modules)} (should be none)")
    else:
        run.notes.append("`app.py ask` imported no Slack/Teams SDK (checked)")


if __name__ == "__main__":
    sys.exit(main())
