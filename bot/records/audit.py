"""The append-only audit log: who created, submitted, delivered, acknowledged and read what.

Each entry's hash covers its content and the previous entry's hash, so editing, deleting or
reordering any entry breaks the chain. A submitted report's own hash is written into its
"report.submitted" entry, so a later change to the report row is caught too (`verify`).
Entries name people by platform ID and hold no report content.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlite_utils

GENESIS = "0" * 64
REPORT_COLUMNS = (
    "number",
    "form",
    "user_key",
    "platform",
    "amends",
    "event_at",
    "started_at",
    "submitted_at",
    "delay_seconds",
    "policy_revision",
    "policy_sha256",
    "body",
)


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    event: str
    subject: str
    actor: str
    detail: dict


def append(
    db: sqlite_utils.Database,
    *,
    at: str,
    event: str,
    subject: str,
    actor: str,
    detail: dict | None = None,
) -> Entry:
    """Add an entry; call inside the transaction that makes the change it records."""
    last = list(db.query("select seq, hash from audit order by seq desc limit 1"))
    seq, prev = (last[0]["seq"] + 1, last[0]["hash"]) if last else (1, GENESIS)
    detail_json = _canonical(detail or {})
    row = {
        "seq": seq,
        "at": at,
        "event": event,
        "subject": subject,
        "actor": actor,
        "detail": detail_json,
        "prev_hash": prev,
    }
    row["hash"] = entry_hash(prev, row)
    db["audit"].insert(row)
    return Entry(seq, at, event, subject, actor, detail or {})


def entry_hash(prev_hash: str, row: dict) -> str:
    fields = [row["seq"], row["at"], row["event"], row["subject"], row["actor"], row["detail"]]
    return hashlib.sha256((prev_hash + "\n" + _canonical(fields)).encode("utf-8")).hexdigest()


def report_hash(row: dict) -> str:
    return hashlib.sha256(
        _canonical([row.get(c) for c in REPORT_COLUMNS]).encode("utf-8")
    ).hexdigest()


def entries(db: sqlite_utils.Database, subject: str | None = None) -> list[Entry]:
    sql, params = "select * from audit order by seq", ()
    if subject is not None:
        sql, params = "select * from audit where subject = ? order by seq", (subject,)
    return [
        Entry(r["seq"], r["at"], r["event"], r["subject"], r["actor"], json.loads(r["detail"]))
        for r in db.query(sql, params)
    ]


def verify(db: sqlite_utils.Database) -> list[str]:
    """Every problem found, in words; an empty list means the log and the reports are intact."""
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    submitted: dict[str, str] = {}
    for row in db.query("select * from audit order by seq"):
        if row["seq"] != expected_seq:
            problems.append(f"audit entry {expected_seq} is missing (next is {row['seq']})")
        if row["prev_hash"] != prev or entry_hash(prev, row) != row["hash"]:
            problems.append(
                f"audit entry {row['seq']} ({row['event']} {row['subject']}) was altered"
            )
        if row["event"] == "report.submitted":
            submitted[row["subject"]] = json.loads(row["detail"]).get("row_hash", "")
        prev, expected_seq = row["hash"], row["seq"] + 1
    for row in db.query("select * from reports order by number"):
        recorded = submitted.pop(row["number"], None)
        if recorded is None:
            problems.append(f"report {row['number']} has no submission entry in the audit log")
        elif report_hash(row) != recorded or row["row_hash"] != recorded:
            problems.append(f"report {row['number']} was changed after it was submitted")
    problems += [f"report {number} was deleted" for number in submitted]
    return problems


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
