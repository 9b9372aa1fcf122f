"""District records: drafts, submitted reports, acknowledgements, the outbox and the audit log,
in one SQLite file (WAL) with report contents encrypted. `Records.open(...)` is the entry point."""

from bot.records.errors import RecordsError
from bot.records.store import Records

__all__ = ["Records", "RecordsError"]
