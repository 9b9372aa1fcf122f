"""The append-only audit log: who created, submitted, delivered, acknowledged and read what.

Each entry carries a MAC (HMAC-SHA256) over its content and the previous entry's MAC, keyed with
a secret derived from the encryption key (bot/records/crypto.py) — never stored in the database.
So someone who can write the database file but doesn't hold the key can't edit, reorder or
insert an entry and recompute the chain. A submitted report's hash, and a keyed digest of each
of its columns, are written into its "report.submitted" entry, so a later change to the report
row (a body swapped in from another report, a date moved) is caught and named.

Deleting the *newest* entries leaves a shorter chain that is still intact. That is caught only
against a witness kept outside the database: the chain's position and MAC are printed on every
report card posted to the supervisor channel, and recorded in a witness file (witness.py);
`verify` checks the head against both. Entries names people by platform ID and hold no content.

Entries written before the chain was keyed (MACs without the "k1:" prefix) are checked as the
old unkeyed hash chain; the first keyed entry ("audit.keyed") commits to their last hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

GENESIS = "0" * 64
KEYED = "k1:"  # prefix of a keyed MAC; entries without it predate keying (legacy)
MOVE_WINDOW = 16  # how far from its place a moved entry is looked for
WITNESS_HEX = 16  # hex digits of a MAC shown on a card: 64 bits no outsider can guess
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


@dataclass(frozen=True)
class Witness:
    """A position in the chain and (a prefix of) its MAC, as seen by someone outside the
    database: "57:3f9a2c1d8e0b4a77". `source` says who saw it (a card, the witness file)."""

    seq: int
    mac: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.seq}:{self.mac.removeprefix(KEYED)[:WITNESS_HEX]}"

    @classmethod
    def parse(cls, text: str, source: str = "") -> Witness:
        """From "SEQ:MAC" (a card's witness line); ValueError when it isn't one."""
        seq, _, mac = text.strip().partition(":")
        mac = mac.strip().lower().removeprefix("k1:")
        if not seq.isdigit() or len(mac) < 8 or any(c not in "0123456789abcdef" for c in mac):
            raise ValueError(f"{text!r} is not a witness like 57:3f9a2c1d8e0b4a77")
        return cls(int(seq), mac, source or f"witness {seq}:{mac}")

    def matches(self, stored: str) -> bool:
        return stored.removeprefix(KEYED).startswith(self.mac.removeprefix(KEYED))


@dataclass
class Verification:
    """What `verify` found: problems (tampering or damage, in words) and notes (limits)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries: int = 0
    reports: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


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
    row = {
        "seq": seq,
        "at": at,
        "event": event,
        "subject": subject,
        "actor": actor,
        "detail": _canonical(detail or {}),
        "prev_hash": prev,
    }
    row["hash"] = entry_mac(audit_key(db), prev, row)
    db["audit"].insert(row)
    return Entry(seq, at, event, subject, actor, detail or {})


def audit_key(db: sqlite_utils.Database) -> bytes:
    """The MAC key the storage attached to this connection (bot/records/database.py)."""
    key = getattr(db, "audit_key", b"")
    if not key:
        raise RuntimeError("the audit log needs the storage's audit key")
    return key


def entry_mac(key: bytes, prev_hash: str, row: dict) -> str:
    message = (str(prev_hash) + "\n" + _canonical(_fields(row))).encode("utf-8")
    return KEYED + hmac.new(key, message, hashlib.sha256).hexdigest()


def entry_hash(prev_hash: str, row: dict) -> str:
    """The legacy, unkeyed link (entries written before the chain was keyed)."""
    message = (str(prev_hash) + "\n" + _canonical(_fields(row))).encode("utf-8")
    return hashlib.sha256(message).hexdigest()


def report_hash(row: dict) -> str:
    return hashlib.sha256(
        _canonical([row.get(c) for c in REPORT_COLUMNS]).encode("utf-8")
    ).hexdigest()


def column_digests(key: bytes, row: dict) -> dict[str, str]:
    """A keyed digest of each stored column, so `verify` can say *what* changed in a report."""
    return {c: _digest(key, row.get(c)) for c in REPORT_COLUMNS}


def head(db: sqlite_utils.Database) -> Witness | None:
    rows = list(db.query("select seq, hash from audit order by seq desc limit 1"))
    return Witness(rows[0]["seq"], rows[0]["hash"]) if rows else None


def upgrade(db: sqlite_utils.Database, *, at: str) -> bool:
    """Key a chain whose newest entry is from before keying: append an "audit.keyed" entry that
    commits to the legacy chain's last hash. Returns whether it did."""
    last = head(db)
    if last is None or last.mac.startswith(KEYED):
        return False
    append(
        db,
        at=at,
        event="audit.keyed",
        subject="audit",
        actor="system",
        detail={
            "legacy_entries": last.seq,
            "legacy_head": last.mac,
            "note": "entries before this one use the old unkeyed hash chain",
        },
    )
    return True


def entries(db: sqlite_utils.Database, subject: str | None = None) -> list[Entry]:
    sql, params = "select * from audit order by seq", ()
    if subject is not None:
        sql, params = "select * from audit where subject = ? order by seq", (subject,)
    return [
        Entry(r["seq"], r["at"], r["event"], r["subject"], r["actor"], _detail(r))
        for r in db.query(sql, params)
    ]


# ---- verification -------------------------------------------------------------------------------


def verify(
    db: sqlite_utils.Database, key: bytes, *, witnesses: Iterable[Witness] = ()
) -> Verification:
    """Check the chain, every report against its submission entry, and the head against the
    witnesses. Every problem is named (which entry, which report, what kind); never raises."""
    result = Verification()
    rows = _rows(db, "select * from audit order by seq", result)
    reports = _rows(db, "select * from reports order by number", result)
    result.entries, result.reports = len(rows), len(reports)
    trusted: set[int] = set()
    checks = (
        lambda: trusted.update(_check_chain(rows, key, result)),
        lambda: _check_reports(reports, rows, trusted, key, result),
        lambda: _check_witnesses(rows, witnesses, result),
    )
    for check in checks:
        try:
            check()
        except Exception as exc:  # a row shaped in a way nobody foresaw: report, go on
            result.problems.append(f"a check stopped at an unreadable row: {exc!r}")
    return result


def _check_chain(rows: list[dict], key: bytes, result: Verification) -> set[int]:
    """Walk the chain; returns the seqs of entries whose MAC and link hold."""
    by_hash = {str(r.get("hash")): r for r in rows}
    trusted: set[int] = set()
    prev, expected, keyed_seen, legacy = GENESIS, 1, False, 0
    run: list[int] = []  # entries re-computed after a break (one problem, not one per entry)
    for row in rows:
        seq, stored = row.get("seq"), str(row.get("hash") or "")
        if not isinstance(seq, int):
            result.problems.append(f"an audit row has no valid position ({seq!r}): inserted")
            continue
        gap = seq > expected
        if gap:
            result.problems.append(_missing(expected, seq - 1))
        keyed = stored.startswith(KEYED)
        if not keyed and keyed_seen:
            kind = "is in the old unkeyed format after the log was keyed: forged without the key"
            result.problems.append(f"audit entry {seq} ({_what(row)}) {kind}")
            prev, expected = stored, seq + 1
            continue
        keyed_seen = keyed_seen or keyed
        legacy += not keyed
        mac = _mac(key, row, keyed)
        self_ok = hmac.compare_digest(mac, stored)
        linked = row.get("prev_hash") == prev
        if self_ok:  # its MAC holds: its content is genuine, wherever it now sits
            trusted.add(seq)
        if self_ok and linked:
            _close_run(run, result)
        elif self_ok:
            _close_run(run, result)
            origin = by_hash.get(str(row.get("prev_hash")))
            if origin is not None and origin.get("seq") != seq - 1:
                result.problems.append(
                    f"audit entry {seq} ({_what(row)}) was reordered: in the chain it follows "
                    f"entry {origin.get('seq')}, not entry {seq - 1}"
                )
            elif not gap:  # (a gap is already reported above)
                result.problems.append(
                    f"audit entry {seq} ({_what(row)}) follows an entry that is no longer there "
                    "(the entry before it was removed or replaced)"
                )
        else:
            moved = _written_as(key, row, by_hash, keyed)
            if moved is not None:
                trusted.add(seq)
                _close_run(run, result)
                result.problems.append(
                    f"audit entry {seq} ({_what(row)}) was reordered: it was written as entry "
                    f"{moved}"
                )
            elif run and linked:
                run.append(seq)
            else:
                _close_run(run, result)
                result.problems.append(
                    f"audit entry {seq} ({_what(row)}) was edited: its MAC does not match its "
                    "content (changed by someone without the key)"
                )
                run.append(seq)
        prev, expected = stored, seq + 1
    _close_run(run, result)
    if legacy:
        result.notes.append(
            f"{legacy} audit entr{'y' if legacy == 1 else 'ies'} predate the keyed chain: they "
            "are checked as the old unkeyed hash chain, which catches damage but not a rewrite "
            "made before the upgrade; the audit.keyed entry fixes their last hash, so any change "
            "made since then is caught"
        )
    return trusted


def _close_run(run: list[int], result: Verification) -> None:
    """Entries after an edited one that were re-linked to it: the chain was recomputed."""
    if len(run) > 1:
        result.problems.append(
            f"audit entries {run[1]}–{run[-1]} were re-computed after the change to entry "
            f"{run[0]} (a chain rewritten without the key)"
        )
    run.clear()


def _check_reports(
    reports: list[dict], rows: list[dict], trusted: set[int], key: bytes, result: Verification
) -> None:
    submitted: dict[str, dict] = {}
    for row in rows:
        if row.get("event") == "report.submitted":
            submitted[str(row.get("subject"))] = row
    bodies = {}
    for number, entry in submitted.items():
        columns = _detail(entry).get("columns")
        if entry.get("seq") in trusted and isinstance(columns, dict):
            bodies[columns.get("body")] = number
    for report in reports:
        number = str(report.get("number"))
        entry = submitted.pop(number, None)
        if entry is None:
            result.problems.append(
                f"report {number} has no submission entry in the audit log: it was added "
                "outside the bot"
            )
            continue
        if entry.get("seq") not in trusted:
            result.problems.append(
                f"report {number} cannot be vouched for: its submission entry (audit entry "
                f"{entry.get('seq')}) was altered"
            )
            continue
        problem = _report_change(report, _detail(entry), key, bodies)
        if problem:
            result.problems.append(f"report {number} {problem}")
    for number, entry in submitted.items():
        result.problems.append(
            f"report {number} was deleted (it was submitted in audit entry {entry.get('seq')})"
        )


def _report_change(report: dict, detail: dict, key: bytes, bodies: dict) -> str:
    """How a report row differs from what was submitted, in words ("" when it doesn't)."""
    recorded = detail.get("row_hash", "")
    if report_hash(report) == recorded:
        return "" if report.get("row_hash") == recorded else "has an altered stored hash"
    columns = detail.get("columns")
    if not isinstance(columns, dict):  # submitted before column digests were recorded
        return "was changed after it was submitted"
    now = column_digests(key, report)
    changed = [c for c in REPORT_COLUMNS if columns.get(c) != now[c]]
    if changed == ["body"]:
        source = bodies.get(now["body"])
        if source and source != report.get("number"):
            return f"had its body swapped: it now holds the body submitted as report {source}"
        return "had its body replaced after it was submitted"
    return "was changed after it was submitted (" + ", ".join(changed) + ")"


def _check_witnesses(rows: list[dict], witnesses: Iterable[Witness], result: Verification) -> None:
    by_seq = {r.get("seq"): r for r in rows}
    last = max((s for s in by_seq if isinstance(s, int)), default=0)
    for witness in witnesses:
        if witness.seq > last:
            result.problems.append(
                f"the audit log ends at entry {last} but {witness.source} saw entry "
                f"{witness.seq}: the newest {_span(last + 1, witness.seq)} were deleted"
            )
        elif witness.seq in by_seq and not witness.matches(str(by_seq[witness.seq].get("hash"))):
            result.problems.append(
                f"audit entry {witness.seq} is not the one {witness.source} saw: it was replaced"
            )


def _mac(key: bytes, row: dict, keyed: bool) -> str:
    prev = str(row.get("prev_hash"))
    return entry_mac(key, prev, row) if keyed else entry_hash(prev, row)


def _written_as(key: bytes, row: dict, by_hash: dict, keyed: bool) -> int | None:
    """The position a moved entry was written at, if its MAC holds there: next to the entry
    its link points to, or near where it is now (two entries swapped)."""
    seq = row.get("seq")
    prev = str(row.get("prev_hash"))
    origin = 0 if prev == GENESIS else (by_hash.get(prev) or {}).get("seq")
    candidates = [origin + 1, origin - 1] if isinstance(origin, int) else []
    candidates += [seq + d for d in range(-MOVE_WINDOW, MOVE_WINDOW + 1) if d]
    stored = str(row.get("hash"))
    for candidate in dict.fromkeys(c for c in candidates if c >= 1 and c != seq):
        if hmac.compare_digest(_mac(key, {**row, "seq": candidate}, keyed), stored):
            return candidate
    return None


def _rows(db: sqlite_utils.Database, sql: str, result: Verification) -> list[dict]:
    try:
        return list(db.query(sql))
    except Exception as exc:  # a damaged or missing table: say so, check the rest
        result.problems.append(f"cannot read the records ({sql.split()[3]}): {exc}")
        return []


def _fields(row: dict) -> list:
    return [
        row.get("seq"),
        row.get("at"),
        row["event"],
        row["subject"],
        row["actor"],
        row["detail"],
    ]


def _detail(row: dict) -> dict:
    try:
        detail = json.loads(row.get("detail") or "{}")
    except (TypeError, ValueError):
        return {}
    return detail if isinstance(detail, dict) else {}


def _what(row: dict) -> str:
    return f"{row.get('event')} {row.get('subject')}"


def _missing(first: int, last: int) -> str:
    verb = "is" if first == last else "are"
    return f"audit {_span(first, last)} {verb} missing (deleted)"


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first}–{last}"


def _digest(key: bytes, value) -> str:
    return hmac.new(key, _canonical(value).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _canonical(value) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_foreign
    )


def _foreign(value) -> str:
    """A value the bot never writes (a blob put in by hand): hashed as its repr, so the check
    goes on and the entry simply fails."""
    return repr(value)
