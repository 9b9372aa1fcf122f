"""How the lookup does on questions it was not built from: cross-validation, dev and the blind
sets side by side, ours next to the previous lookup; their chatty and typo variants; and the
reliability of the confidence (bins of confidence → share right).

The sets:
- cross-validation (bench/crossval.py): the curated questions, each answered by a ranker trained
  without its situation. The only figure any knob was chosen by.
- dev (vendor/eval/dev.jsonl): read once here and reported, never used to choose.
- blind (bench/data/blind.jsonl): 199 questions written in another session from the policy text
  and the eval README alone. It was used to choose between models of the previous lookup, so it
  is no longer blind; reported for comparison.
- blind-staff (bench/data/blind-staff.jsonl): 300+ questions in many staff voices, written by
  someone who never opened knowledge/. The measure of generalisation. Read here as totals only:
  its questions and misses are never printed, and knowledge/ must never be written from it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench import crossval, tune, variants
from bench.evalset import DEFAULT_EVAL, REPO_ROOT, EvalRow, load_eval
from bench.quality import Ranked, is_top1_miss, score
from bench.report import grid
from bench.systems import Ours, Previous
from knowledge.curated import OUT_OF_SCOPE
from knowledge.train import SETTINGS

DATA = REPO_ROOT / "bench" / "data"
BLIND = DATA / "blind.jsonl"
BLIND_STAFF = DATA / "blind-staff.jsonl"
SURE = 0.9  # "answers at confidence ≥ 0.9 are right ≥ 97 %"
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)


@dataclass(frozen=True)
class Outcome:
    """One question: whether the system was right for the user, and how sure it said it was."""

    right: bool
    answered: bool
    confidence: float


@dataclass(frozen=True)
class Line:
    top1: float
    top3: float
    correct_decline: float
    false_decline: float
    sure_right: float
    sure_n: int
    outcomes: tuple[Outcome, ...]


def section() -> str:
    ours, previous = Ours(), Previous()
    lines: list[tuple[str, str, Line]] = []
    lines += [("cross-validation", "ours", _cv_ours()), ("", "previous lookup", _cv_previous())]
    lines += [("  held-out chat", "ours", _cv_ours(chatty=True))]
    for name, path in (("dev", DEFAULT_EVAL), ("blind (old)", BLIND), ("blind-staff", BLIND_STAFF)):
        if not path.is_file():
            continue
        rows = load_eval(path)
        sets = [(name, rows)]
        if path != DEFAULT_EVAL:
            sets += [("  chatty opening", variants.chatty(rows))]
            sets += [("  typos", variants.typos(rows))]
        for label, these in sets:
            lines.append((label, "ours", _measure(ours.rank, these)))
            lines.append(("", "previous lookup", _measure(previous.rank, these)))
    if not BLIND_STAFF.is_file():
        lines.append(("blind-staff", "not found", _empty()))
    body = [
        [
            s,
            system,
            _pct(x.top1),
            _pct(x.top3),
            _pct(x.correct_decline),
            _pct(x.false_decline),
            f"{_pct(x.sure_right)} of {x.sure_n}",
        ]
        for s, system, x in lines
    ]
    header = ["set", "system", "top-1", "top-3", "correct-decline", "false-decline", "≥0.9 right"]
    targets = (
        "targets (blind-staff): top-1 ≥ 93 %, correct-decline ≥ 92 %, false-decline ≤ 2 %, "
        "answers at confidence ≥ 0.9 right ≥ 97 %, variants within 2 points"
    )
    reliability = [(name, x) for name, system, x in lines if system == "ours" and name.strip()]
    return (
        "generalisation (sets the lookup was not built from; blind-staff as totals only)\n"
        + grid(header, body)
        + f"\n{targets}\n\nreliability of ours' confidence (answered questions: share right "
        "per confidence bin)\n"
        + _reliability(
            [(n, x) for n, x in reliability if n in ("cross-validation", "blind-staff", "dev")]
        )
        + "\n\n"
        + _confusions()
    )


def _cv_decided(chatty: bool = False) -> list[crossval.Decided]:
    _, _, labels = crossval.knowledge()
    held = crossval.held_out(tune._raw(SETTINGS), chatty=chatty)
    return crossval.decide(
        held, labels, SETTINGS.temperature, SETTINGS.decline_below, SETTINGS.confidence
    )


def _cv_ours(chatty: bool = False) -> Line:
    decided = _cv_decided(chatty)
    return _line(
        [d.label for d in decided],
        [Ranked(d.clauses, d.confidence, d.answered) for d in decided],
    )


CONFUSIONS = 12


def _confusions() -> str:
    """The commonest mistakes on cross-validation (curated questions only): what to work on."""
    mistakes = Counter(
        (d.label, d.clauses[0] if d.answered else OUT_OF_SCOPE)
        for d in _cv_decided()
        if not d.right
    )
    body = [[want, got, str(n)] for (want, got), n in mistakes.most_common(CONFUSIONS)]
    return "cross-validation: commonest confusions (ours)\n" + grid(
        ["curated as", "answered as", "questions"], body
    )


def _cv_previous() -> Line:
    held = crossval.legacy_held_out()
    return _line([label for label, _ in held], [Ranked(*r) for _, r in held])


def _measure(rank: Callable[[str], Ranked], rows: list[EvalRow]) -> Line:
    return _line_rows(rows, [rank(r.q) for r in rows])


def _line(labels: list[str], preds: list[Ranked]) -> Line:
    rows = [
        EvalRow(
            "", () if label == OUT_OF_SCOPE else (label,), "out" if label == OUT_OF_SCOPE else "in"
        )
        for label in labels
    ]
    return _line_rows(rows, preds)


def _line_rows(rows: list[EvalRow], preds: list[Ranked]) -> Line:
    q = score(rows, preds)
    outcomes = tuple(
        Outcome(not is_top1_miss(r, p), p.answered, p.score)
        for r, p in zip(rows, preds, strict=True)
    )
    sure = [o for o in outcomes if o.answered and o.confidence >= SURE]
    sure_right = sum(o.right for o in sure) / len(sure) if sure else math.nan
    return Line(q.top1, q.top3, q.correct_decline, q.false_decline, sure_right, len(sure), outcomes)


def _reliability(lines: list[tuple[str, Line]]) -> str:
    header = ["confidence"] + [name for name, _ in lines]
    body = []
    for lo, hi in zip(BINS, BINS[1:]):
        cells = [f"{lo:.2f}–{hi:.2f}"]
        for _, line in lines:
            inside = [
                o
                for o in line.outcomes
                if o.answered and lo <= o.confidence and (o.confidence < hi or hi == 1.0)
            ]
            right = sum(o.right for o in inside)
            cells.append(f"{_pct(right / len(inside))} of {len(inside)}" if inside else "—")
        body.append(cells)
    return grid(header, body)


def _empty() -> Line:
    nan = math.nan
    return Line(nan, nan, nan, nan, nan, 0, ())


def _pct(v: float) -> str:
    return "—" if v is None or math.isnan(v) else f"{v * 100:.1f} %"
