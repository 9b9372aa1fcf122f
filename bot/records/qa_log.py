"""The Q&A log in SQLite: `why` and feedback survive restarts. Questions are encrypted (staff
sometimes type more than they should into a question)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import UTC, datetime

from bot.qa_log import Asked
from bot.records.clock import stamp
from bot.records.database import Storage
from knowledge.curated import ShortAnswer
from knowledge.search import SearchResult


class SQLiteQALog:
    """Implements bot.qa_log.QALog."""

    def __init__(self, *, storage: Storage) -> None:
        self._s = storage

    def record(self, user_key: str, result: SearchResult) -> str:
        ref = "q" + uuid.uuid4().hex[:12]
        payload = self._s.cipher.seal(json.dumps(asdict(result), ensure_ascii=False))
        with self._s.transaction() as db:
            db["qa_asked"].insert({"ref": ref, "user_key": user_key, "at": _now(), "result": payload})
        return ref

    def last(self, user_key: str) -> Asked | None:
        rows = self._s.rows("select * from qa_asked where user_key = ? order by at desc, rowid desc "
                            "limit 1", (user_key,))  # fmt: skip
        return self._asked(rows[0]) if rows else None

    def get(self, ref: str) -> Asked | None:
        rows = self._s.rows("select * from qa_asked where ref = ?", (ref,))
        return self._asked(rows[0]) if rows else None

    def feedback(self, ref: str, user_key: str, value: str, comment: str = "") -> bool:
        with self._s.transaction() as db:
            if not list(db.query("select 1 from qa_asked where ref = ?", (ref,))):
                return False
            db["qa_feedback"].insert({"ref": ref, "user_key": user_key, "value": value,
                                      "comment": self._s.cipher.seal(comment), "at": _now()})  # fmt: skip
        return True

    def _asked(self, row: dict) -> Asked:
        data = json.loads(self._s.cipher.open(row["result"]))
        answer = ShortAnswer(**{**data["answer"], "questions": tuple(data["answer"]["questions"])}) \
            if data.get("answer") else None  # fmt: skip
        result = SearchResult(
            query=data["query"], answered=data["answered"], confidence=data["confidence"],
            clauses=tuple(data["clauses"]), quote=tuple(data["quote"]), answer=answer,
            why=tuple(data["why"]), scores=data.get("scores", {}),
        )  # fmt: skip
        return Asked(row["ref"], row["user_key"], result)


def _now() -> str:
    return stamp(datetime.now(UTC))
