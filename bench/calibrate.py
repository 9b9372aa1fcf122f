"""`python -m bench.calibrate`: fit the answer-or-decline model (knowledge/search.py, Evidence).

The weights come from the cross-validation: every curated question, in scope or not, answered by
an index built without it (bench/crossval.py's folds), so the model learns from questions it
never saw rather than from ones it trivially matches. A logistic regression of "the policy
answers this" on the Evidence gives the weights; the eval README says a decline threshold is
chosen on dev, so the bias is then moved to put 0.5 at the dev sweep's decision point.
Prints the two constants to put in knowledge/search.py.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import astuple
from pathlib import Path

import numpy as np

from bench import crossval, quality
from bench.evalset import DEFAULT_EVAL, EvalError, load_eval
from knowledge.curated import OUT_OF_SCOPE, Curated, load_curated
from knowledge.policy import load_policy
from knowledge.search import Index, build_index

L2 = 1e-3  # a whisper of regularisation: the three features are on different scales
STEPS = 3000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    args = parser.parse_args(argv)
    try:
        rows = load_eval(args.eval)
    except EvalError as exc:
        print(f"calibrate: {exc}", file=sys.stderr)
        return 2
    features, in_scope = _held_out_evidence()
    weights, bias = _fit(features, in_scope)
    point, q = _decision_point(rows, weights, bias)
    print(f"fitted on {len(in_scope)} held-out curated questions ({int(sum(in_scope))} in scope)")
    print(
        f"dev decision point: logit {point:.3f} (top-1 {q.top1:.1%}, "
        f"correct-decline {q.correct_decline:.1%}, false-decline {q.false_decline:.1%})"
    )
    print(f"EVIDENCE_WEIGHTS = ({', '.join(f'{w:.3f}' for w in weights)})")
    print(f"EVIDENCE_BIAS = {bias - point:.3f}")
    return 0


def _decision_point(rows, weights: tuple[float, ...], bias: float) -> tuple[float, quality.Quality]:
    """The logit the dev sweep answers from, halfway to the next lower one (a margin both ways)."""
    index = build_index()
    results = [index.search(r.q) for r in rows]
    logits = [r.evidence.logit(weights, bias) if r.evidence else -math.inf for r in results]
    preds = [quality.Ranked(tuple(r.clauses), s) for r, s in zip(results, logits, strict=True)]
    threshold, q = quality.sweep(rows, preds)
    below = [s for s in logits if s < threshold]
    point = (threshold + max(below)) / 2 if below and math.isfinite(threshold) else threshold
    return point, q


def _held_out_evidence() -> tuple[np.ndarray, np.ndarray]:
    policy = load_policy()
    curated = load_curated(policy)
    features, in_scope = [], []
    for train, test in crossval._folds(curated):
        index = Index(
            policy, Curated(questions=train, synonyms=curated.synonyms, answers=curated.answers)
        )
        for clause_id, question in test:
            evidence = index.search(question).evidence
            if evidence is not None:
                features.append(astuple(evidence))
                in_scope.append(clause_id != OUT_OF_SCOPE)
    return np.array(features, float), np.array(in_scope, float)


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[tuple[float, ...], float]:
    """Logistic regression by gradient descent on standardised features; weights returned on
    the features' own scale."""
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / spread, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * (z.T @ (p - y) / len(y) + L2 * w)
    weights = w[:-1] / spread
    return tuple(float(v) for v in weights), float(w[-1] - (mean / spread * w[:-1]).sum())


if __name__ == "__main__":
    raise SystemExit(main())
