"""The stored question feedback: recent questions in memory (bot/recent_questions.py), the
rated ones and their feedback in SQLite.

Data minimisation: a question is written to disk only when its asker rates the answer (👍/👎
and the "what were you looking for?" comment) — that is what an admin needs to improve the
knowledge base. Everything else is forgotten with the process: staff sometimes type more than
they should into a question. What is stored is encrypted.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import UTC, datetime

from bot.recent_questions import Asked, MemoryQALog
from bot.records.clock import stamp
from bot.records.database import Storage
from knowledge.curated import ShortAnswer
from knowledge.search import SearchResult


class SQLiteQALog:
    """Implements bot.recent_questions.QALog."""

    def __init__(self, *, storage: Storage) -> None:
        self._s = storage
        self._recent = MemoryQALog()

    def record(self, user_key: str, result: SearchResult) -> str:
        return self._recent.record(user_key, result, ref="q" + uuid.uuid4().hex[:12])

    def last(self, user_key: str) -> Asked | None:
        return self._recent.last(user_key)

    def get(self, ref: str) -> Asked | None:
        return self._recent.get(ref) or self._stored(ref)

    def feedback(self, ref: str, user_key: str, value: str, comment: str = "") -> bool:
        asked = self._recent.get(ref)
        with self._s.transaction() as db:
            if asked is not None:
                payload = self._s.cipher.seal(json.dumps(asdict(asked.result), ensure_ascii=False))
                db["qa_asked"].insert(
                    {"ref": ref, "user_key": asked.user_key, "at": _now(), "result": payload},
                    ignore=True,
                )
            elif not list(db.query("select 1 from qa_asked where ref = ?", (ref,))):
                return False
            db["qa_feedback"].insert(
                {
                    "ref": ref,
                    "user_key": user_key,
                    "value": value,
                    "comment": self._s.cipher.seal(comment),
                    "at": _now(),
                }
            )
        return True

    def feedback_rows(self) -> list[dict]:
        """What was rated, decrypted, oldest first (for an admin improving the knowledge)."""
        rows = self._s.rows(
            "select f.ref, f.user_key, f.value, f.comment, f.at, a.result "
            "from qa_feedback f join qa_asked a using (ref) order by f.id"
        )
        return [
            {
                **row,
                "comment": self._s.cipher.open(row["comment"]),
                "question": self._asked(row).result.query,
            }
            for row in rows
        ]

    def _stored(self, ref: str) -> Asked | None:
        rows = self._s.rows("select * from qa_asked where ref = ?", (ref,))
        return self._asked(rows[0]) if rows else None

    def _asked(self, row: dict) -> Asked:
        data = json.loads(self._s.cipher.open(row["result"]))
        answer = (
            ShortAnswer(**{**data["answer"], "questions": tuple(data["answer"]["questions"])})
            if data.get("answer")
            else None
        )
        result = SearchResult(
            query=data["query"],
            answered=data["answered"],
            confidence=data["confidence"],
            clauses=tuple(data["clauses"]),
            quote=tuple(data["quote"]),
            answer=answer,
            why=tuple(data["why"]),
            scores=data.get("scores", {}),
            closest_unrelated=data.get("closest_unrelated", ""),
        )
        return Asked(row["ref"], row["user_key"], result)


def _now() -> str:
    return stamp(datetime.now(UTC))
