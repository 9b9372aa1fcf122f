"""The three systems behind one interface: build from the data files, then `rank(question)`.

Each builder starts from the files on disk (policy.yml, and for ours the curated data too), so
the build times compare like with like: what a process pays once at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.baselines import Bm25Baseline, FuzzBaseline
from bench.quality import Ranked
from knowledge.policy import load_policy

OURS, BM25, FUZZ = "ours", "BM25", "naive rapidfuzz"


class Ours:
    """knowledge.search with its own fixed threshold: `answered` comes from the system."""

    def __init__(self) -> None:
        from knowledge.search import build_index

        self.index = build_index()

    def rank(self, question: str) -> Ranked:
        result = self.index.search(question)
        return Ranked(tuple(result.clauses), result.confidence, result.answered)


@dataclass(frozen=True)
class System:
    name: str
    build: Callable[[], object]  # returns an object with rank(question) -> Ranked
    swept: bool  # True: decline threshold chosen by the sweep; False: the system decides
    score_name: str


def systems() -> list[System]:
    return [
        System(OURS, Ours, False, "confidence"),
        System(BM25, lambda: Bm25Baseline(load_policy()), True, "top BM25 score"),
        System(FUZZ, lambda: FuzzBaseline(load_policy()), True, "top WRatio"),
    ]


def fixed_threshold() -> float | None:
    """Ours' answer threshold, for the table; None if the module names it differently."""
    from knowledge import search

    return getattr(search, "ANSWER_THRESHOLD", None)
