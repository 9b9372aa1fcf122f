"""The systems behind one interface: build from the data files, then `rank(question)`.

Each builder starts from the files on disk (policy.yml, and for ours the curated data too), so
the build times compare like with like: what a process pays once at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.baselines import Bm25Baseline, FuzzBaseline
from bench.quality import Ranked
from knowledge.policy import load_policy

OURS, PREVIOUS, BM25, FUZZ = "ours", "previous lookup", "BM25", "naive rapidfuzz"


class Ours:
    """knowledge.search (the learned ranker) with its own decision: `answered` comes from it."""

    def __init__(self) -> None:
        from knowledge.search import build_index

        self.index = build_index()

    def rank(self, question: str) -> Ranked:
        result = self.index.search(question)
        return Ranked(tuple(result.clauses), result.confidence, result.answered)


class Previous(Ours):
    """The lookup before the learned ranker (bench/legacy.py), with its own decision."""

    def __init__(self) -> None:
        from bench.legacy import build_index

        self.index = build_index()


@dataclass(frozen=True)
class System:
    name: str
    build: Callable[[], object]  # returns an object with rank(question) -> Ranked
    swept: bool  # True: decline threshold chosen by the sweep; False: the system decides
    score_name: str


def systems() -> list[System]:
    return [
        System(OURS, Ours, False, "chance the policy covers it"),
        System(PREVIOUS, Previous, False, "its confidence"),
        System(BM25, lambda: Bm25Baseline(load_policy()), True, "top BM25 score"),
        System(FUZZ, lambda: FuzzBaseline(load_policy()), True, "top WRatio"),
    ]


def fixed_threshold() -> float | None:
    """Ours' decision point (on the chance the policy covers the question), for the table."""
    from knowledge.train import SETTINGS

    return SETTINGS.decline_below
