"""The recent-questions log: what each user asked last (for `why`, share and feedback), in
memory, with the feedback kept in memory too.

The in-memory log serves the `ask` CLI and tests; bot/records/question_feedback.py is the one
that also stores rated questions and their feedback in SQLite. Both have the same four methods.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Protocol

from knowledge.search import SearchResult


@dataclass(frozen=True)
class Asked:
    ref: str
    user_key: str
    result: SearchResult


class QALog(Protocol):
    def record(self, user_key: str, result: SearchResult) -> str: ...
    def last(self, user_key: str) -> Asked | None: ...
    def get(self, ref: str) -> Asked | None: ...
    def feedback(self, ref: str, user_key: str, value: str, comment: str = "") -> bool: ...


class MemoryQALog:
    def __init__(self, keep: int = 1000) -> None:
        self._keep = keep
        self._asked: dict[str, Asked] = {}
        self._last: dict[str, str] = {}
        self._feedback: list[tuple[str, str, str, str]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, user_key: str, result: SearchResult, *, ref: str = "") -> str:
        with self._lock:
            ref = ref or f"q{next(self._ids)}"
            self._asked[ref] = Asked(ref, user_key, result)
            self._last[user_key] = ref
            if len(self._asked) > self._keep:
                self._asked.pop(next(iter(self._asked)))
            return ref

    def last(self, user_key: str) -> Asked | None:
        return self._asked.get(self._last.get(user_key, ""))

    def get(self, ref: str) -> Asked | None:
        return self._asked.get(ref)

    def feedback(self, ref: str, user_key: str, value: str, comment: str = "") -> bool:
        with self._lock:
            if ref not in self._asked:
                return False
            self._feedback.append((ref, user_key, value, comment))
            return True

    @property
    def feedback_entries(self) -> list[tuple[str, str, str, str]]:
        return list(self._feedback)
