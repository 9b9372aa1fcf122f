"""Cross-validation on the curated questions themselves: a second, larger measure of the lookup
that owes nothing to the eval set.

The curated questions (knowledge/data/questions.yml, ~1,600 of them including the out-of-scope
ones) are split into five folds; each fold is answered by an index built without it. A question
the index has never seen, phrased by staff, must still find its clause — or be declined when it
is out of scope. Use it to judge an edit of the knowledge base before the eval set is run.
"""

from __future__ import annotations

import random

from knowledge.curated import OUT_OF_SCOPE, Curated, load_curated
from knowledge.policy import load_policy
from knowledge.search import Index

FOLDS = 5
SEED = 1


def run() -> dict[str, str | float]:
    policy = load_policy()
    curated = load_curated(policy)
    top1 = top3 = in_scope = declined_in = declined_out = out_scope = 0
    for train, test in _folds(curated):
        index = Index(
            policy, Curated(questions=train, synonyms=curated.synonyms, answers=curated.answers)
        )
        for clause_id, question in test:
            result = index.search(question)
            if clause_id == OUT_OF_SCOPE:
                out_scope += 1
                declined_out += not result.answered
                continue
            in_scope += 1
            declined_in += not result.answered
            top1 += result.answered and result.clauses[0] == clause_id
            top3 += result.answered and clause_id in result.clauses[:3]
    return {
        "questions held out (in scope / out of scope)": f"{in_scope} / {out_scope}",
        "top-1 accuracy (in-scope)": f"{top1 / in_scope:.1%}",
        "top-3 accuracy (in-scope)": f"{top3 / in_scope:.1%}",
        "correct-decline rate (out-of-scope)": f"{declined_out / out_scope:.1%}",
        "false-decline rate (in-scope)": f"{declined_in / in_scope:.1%}",
    }


def _folds(curated: Curated):
    items = [(cid, q) for cid, questions in curated.questions.items() for q in questions]
    random.Random(SEED).shuffle(items)
    for fold in range(FOLDS):
        held_out = items[fold::FOLDS]
        skip = set(held_out)
        train = {
            cid: tuple(q for q in qs if (cid, q) not in skip)
            for cid, qs in curated.questions.items()
        }
        yield train, held_out
