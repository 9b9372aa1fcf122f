"""Two deliberately plain baselines over the 15 clause texts, for scale.

Neither uses the curated knowledge (question variants, synonyms): they show what the policy text
alone gets, so the table says how much the knowledge base and the lookup add.
"""

from __future__ import annotations

import re

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bench.quality import Ranked
from knowledge.policy import Policy

_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    """Lower-cased runs of letters and digits: no stemming, no stop words, no synonyms."""
    return _TOKEN.findall(text.lower())


class Bm25Baseline:
    """BM25Okapi (rank-bm25 defaults) with one document per clause; score = best BM25 score."""

    def __init__(self, policy: Policy) -> None:
        self.ids = policy.ids
        self._bm25 = BM25Okapi([tokenize(c.text) for c in policy.clauses])

    def rank(self, question: str) -> Ranked:
        scores = self._bm25.get_scores(tokenize(question))
        order = sorted(range(len(self.ids)), key=lambda i: -scores[i])
        return Ranked(tuple(self.ids[i] for i in order), float(scores[order[0]]))


class FuzzBaseline:
    """rapidfuzz WRatio of the question against each clause text (both lower-cased and
    stripped of punctuation by rapidfuzz's default_process); score = best WRatio (0..100)."""

    def __init__(self, policy: Policy) -> None:
        self.ids = policy.ids
        self._texts = [default_process(c.text) for c in policy.clauses]

    def rank(self, question: str) -> Ranked:
        q = default_process(question)
        scores = [fuzz.WRatio(q, text) for text in self._texts]
        order = sorted(range(len(self.ids)), key=lambda i: -scores[i])
        return Ranked(tuple(self.ids[i] for i in order), float(scores[order[0]]))
