"""A second question set, bench/data/blind.jsonl: 199 questions (159 in scope, 40 out) written in
another session from the policy text and the eval README alone — never from our knowledge base or
the dev set — in the dev set's style. It was used to choose between models (e.g. the evidence
behind the decline decision), never to write knowledge: knowledge/data/ must not be edited from it.
One question that happened to be word for word a curated one was dropped: it would measure
memory, not generalisation (a test keeps it that way).
"""

from __future__ import annotations

from bench import quality
from bench.evalset import REPO_ROOT, load_eval
from bench.systems import Ours

BLIND_SET = REPO_ROOT / "bench" / "data" / "blind.jsonl"


def run() -> dict[str, str | float]:
    rows = load_eval(BLIND_SET)
    ours = Ours()
    preds = [ours.rank(row.q) for row in rows]
    q = quality.score(rows, preds)
    ranking_only = quality.score(rows, [quality.Ranked(p.clauses, p.score) for p in preds])
    return {
        "questions (in scope / out of scope)": f"{q.n_in} / {q.n_out}",
        "top-1 accuracy (in-scope)": f"{q.top1:.1%}",
        "top-3 accuracy (in-scope)": f"{q.top3:.1%}",
        "correct-decline rate (out-of-scope)": f"{q.correct_decline:.1%}",
        "false-decline rate (in-scope)": f"{q.false_decline:.1%}",
        "top-1 if it never declined (ranking only)": f"{ranking_only.top1:.1%}",
    }
