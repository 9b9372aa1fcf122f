"""Drafts: a dialog's state, encrypted, saved after every turn; and remembered answers."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from bot.forms.state import DialogState
from bot.records import audit
from bot.records.clock import parse, stamp
from bot.records.database import Storage
from bot.records.errors import RecordsError
from bot.records.models import Draft

log = logging.getLogger(__name__)


class Drafts:
    def __init__(self, *, storage: Storage) -> None:
        self._s = storage

    def create(
        self,
        *,
        user_key: str,
        platform: str,
        state: DialogState,
        now: datetime,
        draft_id: str = "",
    ) -> Draft:
        """A new open draft. With `draft_id` (derived from a submission's idempotency key) a
        draft that already has that id is returned as it is: a replay creates nothing."""
        draft_id = draft_id or uuid.uuid4().hex
        with self._s.transaction() as db:
            if list(db.query("select 1 from drafts where id = ?", (draft_id,))):
                return self.get(draft_id)
            db["drafts"].insert(
                {
                    "id": draft_id,
                    "user_key": user_key,
                    "platform": platform,
                    "form": state.form,
                    "status": "open",
                    "state": self._s.cipher.seal(state.to_json()),
                    "created_at": stamp(now),
                    "updated_at": stamp(now),
                    "turns": state.turns,
                    "reminded_turns": -1,
                    "report_number": "",
                }
            )
            audit.append(
                db,
                at=stamp(now),
                event="draft.started",
                subject=draft_id,
                actor=user_key,
                detail={"form": state.form},
            )
        return self.get(draft_id)

    def save(self, draft_id: str, state: DialogState, now: datetime) -> None:
        """Store the state after a turn; only an open draft can change."""
        with self._s.transaction() as db:
            db.execute(
                "update drafts set state = ?, turns = ?, updated_at = ? where id = ? and status = 'open'",
                (self._s.cipher.seal(state.to_json()), state.turns, stamp(now), draft_id),
            )

    def cancel(self, draft_id: str, *, actor: str, now: datetime) -> None:
        with self._s.transaction() as db:
            db.execute(
                "update drafts set status = 'cancelled', updated_at = ? where id = ? and status = 'open'",
                (stamp(now), draft_id),
            )
            audit.append(db, at=stamp(now), event="draft.cancelled", subject=draft_id, actor=actor)

    def get(self, draft_id: str) -> Draft | None:
        rows = self._s.rows("select * from drafts where id = ?", (draft_id,))
        return self._draft(rows[0]) if rows else None

    def open_for(self, user_key: str) -> Draft | None:
        rows = self._s.rows(
            "select * from drafts where user_key = ? and status = 'open' order by updated_at desc limit 1",
            (user_key,),
        )
        return self._draft(rows[0]) if rows else None

    def recent_for(self, user_key: str, limit: int = 5) -> list[Draft]:
        rows = self._s.rows(
            "select * from drafts where user_key = ? and status != 'submitted' "
            "order by updated_at desc limit ?",
            (user_key, limit),
        )
        return [self._draft(r) for r in rows]

    def idle(self, *, before: datetime) -> list[Draft]:
        """Open drafts untouched since `before` whose current pause has not been reminded yet."""
        rows = self._s.rows(
            "select * from drafts where status = 'open' and updated_at < ? and reminded_turns < turns",
            (stamp(before),),
        )
        drafts = []
        for row in rows:  # one damaged draft must not stop the reminders (or the delivery pass)
            try:
                drafts.append(self._draft(row))
            except (RecordsError, ValueError, TypeError, KeyError) as exc:
                log.error("draft %s skipped: it cannot be read (%s)", row["id"], exc)
        return drafts

    def mark_reminded(self, draft_id: str, turns: int) -> None:
        with self._s.transaction() as db:
            db.execute("update drafts set reminded_turns = ? where id = ?", (turns, draft_id))

    def remembered(self, user_key: str) -> dict[str, str]:
        rows = self._s.rows("select name, value from prefs where user_key = ?", (user_key,))
        return {r["name"]: self._s.cipher.open(r["value"]) for r in rows}

    def remember(self, user_key: str, values: dict[str, str]) -> None:
        with self._s.transaction() as db:
            for name, value in values.items():
                db["prefs"].upsert(
                    {"user_key": user_key, "name": name, "value": self._s.cipher.seal(value)},
                    pk=("user_key", "name"),
                )

    def _draft(self, row: dict) -> Draft:
        return Draft(
            id=row["id"],
            user_key=row["user_key"],
            platform=row["platform"],
            form=row["form"],
            status=row["status"],
            state=DialogState.from_json(self._s.cipher.open(row["state"])),
            created_at=parse(row["created_at"]),
            updated_at=parse(row["updated_at"]),
            report_number=row["report_number"] or "",
        )
