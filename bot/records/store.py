"""`Records`: the district records as one object — drafts, reports, outbox, Q&A log, audit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.records import audit
from bot.records.database import Storage, open_storage
from bot.records.drafts import Drafts
from bot.records.errors import RecordsError
from bot.records.outbox import Outbox
from bot.records.qa_log import SQLiteQALog
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
    ) -> Records:
        """Open the database at `path` with the configured key (or the key file beside it).
        `create=False` (the `reports` commands): a missing database is an error, not a new one."""
        storage = open_storage(path, key=key, create=create)
        tz = ZoneInfo(timezone)
        return cls(
            storage=storage,
            drafts=Drafts(storage=storage),
            reports=Reports(storage=storage, year_of=lambda moment: moment.astimezone(tz).year),
            outbox=Outbox(storage=storage),
            qa_log=SQLiteQALog(storage=storage),
        )

    def verify(self) -> list[str]:
        with self.storage.transaction() as db:
            problems = audit.verify(db)
        return problems + [bad.reason for bad in self.reports.unreadable()]

    def audit_entries(self, subject: str | None = None) -> list[audit.Entry]:
        with self.storage.transaction() as db:
            return audit.entries(db, subject)

    def close(self) -> None:
        self.storage.close()
