"""The scoring rules of vendor/eval/README.md, and the decline-threshold sweep.

A system's answer to one question is a `Ranked`: clause IDs best first, the score its decline
decision rests on, and whether it answered. A decline is a miss for top-1 and top-3 even when
the suggestions it offers would have been right: the user was told "not covered".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bench.evalset import EvalRow


@dataclass(frozen=True)
class Ranked:
    clauses: tuple[str, ...]  # best first (suggestions when declining)
    score: float  # what a decline threshold applies to (confidence, top BM25 score, WRatio)
    answered: bool = True


@dataclass(frozen=True)
class Quality:
    top1: float  # shares in 0..1; NaN when the set has no question of that kind
    top3: float
    correct_decline: float
    false_decline: float
    n_in: int
    n_out: int

    @property
    def objective(self) -> float:
        """What the eval README has baselines maximise when choosing their threshold."""
        return (self.correct_decline + self.top1) / 2


def score(rows: Sequence[EvalRow], preds: Sequence[Ranked]) -> Quality:
    if len(rows) != len(preds):
        raise ValueError("one prediction per question")
    inside = [(r, p) for r, p in zip(rows, preds, strict=True) if r.in_scope]
    outside = [p for r, p in zip(rows, preds, strict=True) if not r.in_scope]
    return Quality(
        top1=_share(inside, lambda r, p: not is_top1_miss(r, p)),
        top3=_share(inside, lambda r, p: p.answered and any(c in r.clauses for c in p.clauses[:3])),
        correct_decline=_share([(None, p) for p in outside], lambda _, p: not p.answered),
        false_decline=_share(inside, lambda _, p: not p.answered),
        n_in=len(inside),
        n_out=len(outside),
    )


def is_top1_miss(row: EvalRow, pred: Ranked) -> bool:
    """Wrong for the user: an in-scope question not answered with a right clause first, or an
    out-of-scope question answered."""
    if not row.in_scope:
        return pred.answered
    return not (pred.answered and bool(pred.clauses) and pred.clauses[0] in row.clauses)


def with_threshold(preds: Sequence[Ranked], threshold: float) -> list[Ranked]:
    """Answer exactly when score >= threshold."""
    return [replace(p, answered=p.score >= threshold) for p in preds]


def sweep(rows: Sequence[EvalRow], preds: Sequence[Ranked]) -> tuple[float, Quality]:
    """The threshold maximising (correct-decline + top-1) / 2 on these rows.

    Candidates are the observed scores (each the lowest score still answered) plus +inf
    (decline everything). On a tie the lowest threshold wins: fewer false declines.
    """
    best: tuple[float, Quality] | None = None
    for t in sorted({p.score for p in preds}) + [math.inf]:
        q = score(rows, with_threshold(preds, t))
        if best is None or _key(q) > _key(best[1]):
            best = (t, q)
    assert best is not None
    return best


def _key(q: Quality) -> float:
    return -math.inf if math.isnan(q.objective) else q.objective


def _share(pairs, ok) -> float:
    if not pairs:
        return math.nan
    return sum(1 for r, p in pairs if ok(r, p)) / len(pairs)
