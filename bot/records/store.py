"""`Records`: the district records as one object — drafts, reports, outbox, Q&A log, audit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.records import audit
from bot.records.database import Storage, open_storage
from bot.records.drafts import Drafts
from bot.records.errors import RecordsError
from bot.records.outbox import Outbox
from bot.records.question_feedback import SQLiteQALog
from bot.records.reports import Reports

__all__ = ["Records", "RecordsError"]


@dataclass(frozen=True)
class Records:
    storage: Storage
    drafts: Drafts
    reports: Reports
    outbox: Outbox
    qa_log: SQLiteQALog

    @classmethod
    def open(
        cls,
        *,
        path: Path,
        key: str = "",
        timezone: str = "America/New_York",
        create: bool = True,
        witness_path: Path | None = None,
    ) -> Records:
        """Open the database at `path` with the configured key (or the key file beside it).
        `create=False` (the `reports` commands): a missing database is an error, not a new one."""
        storage = open_storage(path, key=key, create=create, witness_path=witness_path)
        tz = ZoneInfo(timezone)
        return cls(
            storage=storage,
            drafts=Drafts(storage=storage),
            reports=Reports(storage=storage, year_of=lambda moment: moment.astimezone(tz).year),
            outbox=Outbox(storage=storage),
            qa_log=SQLiteQALog(storage=storage),
        )

    def verify(self, witnesses: Sequence[audit.Witness] = ()) -> audit.Verification:
        """Check the audit chain, every report, and the chain's head against the witness file
        and the `witnesses` given (the witness lines of posted report cards)."""
        recorded, notes = self._recorded_witness()
        with self.storage.transaction() as db:
            result = audit.verify(
                db, self.storage.cipher.audit_key, witnesses=[*recorded, *witnesses]
            )
        result.problems += [bad.reason for bad in self.reports.unreadable()]
        result.notes += notes
        return result

    def audit_witness(self) -> audit.Witness | None:
        """The chain's head now: what a report card carries as its witness line."""
        rows = self.storage.rows("select seq, hash from audit order by seq desc limit 1")
        return audit.Witness(rows[0]["seq"], rows[0]["hash"]) if rows else None

    def _recorded_witness(self) -> tuple[list[audit.Witness], list[str]]:
        witness = self.storage.witness
        if witness is None:
            return [], []
        try:
            seen = witness.read()
        except ValueError as exc:
            return [], [f"{exc}: the newest entries are checked only against card witnesses"]
        notes = []
        if witness.recreated:
            notes.append(
                f"the witness file {witness.path} was missing and has been recreated: deletions "
                "made before that are caught only against a card's witness line (--witness)"
            )
        return ([seen] if seen else []), notes

    def audit_entries(self, subject: str | None = None) -> list[audit.Entry]:
        with self.storage.transaction() as db:
            return audit.entries(db, subject)

    def close(self) -> None:
        self.storage.close()
