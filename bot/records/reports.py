"""Submitted reports: numbered, encrypted, immutable; acknowledgements; audited reads.

`submit` does everything a submission means in one transaction — number, store, close the
draft, audit, queue the deliveries — so a crash leaves either no report or a report that will
certainly be delivered.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import NamedTuple

from bot.records import audit
from bot.records.clock import parse, stamp
from bot.records.database import Storage
from bot.records.errors import RecordsError
from bot.records.models import Acknowledgement, Report, Submission
from bot.records.outbox import enqueue

log = logging.getLogger(__name__)


class Unreadable(NamedTuple):
    """A stored report that cannot be decrypted or parsed: named, skipped, never blocking."""

    number: str
    reason: str


class Reports:
    def __init__(self, *, storage: Storage, year_of=lambda moment: moment.year) -> None:
        self._s = storage
        self._year_of = year_of  # the district's calendar year of a moment (its time zone)

    def submit(
        self,
        sub: Submission,
        *,
        user_key: str,
        platform: str,
        now: datetime,
        destinations: list[tuple[str, str]],
    ) -> Report:
        """Store the report and queue one post per (platform, destination). Idempotent per draft."""
        with self._s.transaction() as db:
            done = list(
                db.query(
                    "select report_number from drafts where id = ? and status = 'submitted'",
                    (sub.draft_id,),
                )
            )
            if done:
                return self.get(done[0]["report_number"])
            number = self._number(db, sub, now)
            row = {
                "number": number,
                "form": sub.form,
                "user_key": user_key,
                "platform": platform,
                "amends": sub.amends,
                "event_at": stamp(sub.event_at) if sub.event_at else None,
                "started_at": stamp(sub.started_at),
                "submitted_at": stamp(now),
                "delay_seconds": int((now - sub.event_at).total_seconds())
                if sub.event_at
                else None,
                "policy_revision": sub.policy_revision,
                "policy_sha256": sub.policy_sha256,
                "body": self._s.cipher.seal(json.dumps(_body(sub), ensure_ascii=False)),
            }
            row["row_hash"] = audit.report_hash(row)
            db["reports"].insert(row)
            db.execute(
                "update drafts set status = 'submitted', report_number = ?, updated_at = ? "
                "where id = ?",
                (number, stamp(now), sub.draft_id),
            )
            audit.append(
                db,
                at=stamp(now),
                event="report.submitted",
                subject=number,
                actor=user_key,
                detail={
                    "row_hash": row["row_hash"],
                    "columns": audit.column_digests(audit.audit_key(db), row),
                    "draft": sub.draft_id,
                },
            )
            for dest_platform, destination in destinations:
                enqueue(
                    db,
                    subject=number,
                    purpose="post",
                    platform=dest_platform,
                    destination=destination,
                    now=now,
                )
        return self.get(number)

    def get(self, number: str) -> Report | None:
        rows = self._s.rows("select * from reports where number = ?", (number.upper(),))
        return self._report(rows[0]) if rows else None

    def read(self, number: str, *, actor: str, via: str, now: datetime) -> Report:
        """The report, decrypted, with the read recorded in the audit log."""
        report = self.get(number)
        if report is None:
            raise RecordsError(f"there is no report {number}")
        with self._s.transaction() as db:
            audit.append(
                db,
                at=stamp(now),
                event="report.read",
                subject=report.number,
                actor=actor,
                detail={"via": via},
            )
        return report

    def find(
        self, *, since: datetime | None = None, status: str = "", user_key: str = ""
    ) -> list[Report]:
        """The readable reports that match; unreadable ones are logged and left out."""
        reports, unreadable = self.scan(since=since, status=status, user_key=user_key)
        for bad in unreadable:
            log.error("report %s skipped: %s", bad.number, bad.reason)
        return reports

    def scan(
        self, *, since: datetime | None = None, status: str = "", user_key: str = ""
    ) -> tuple[list[Report], list[Unreadable]]:
        """The matching reports, and those that cannot be read (damaged or altered rows) —
        one bad row never hides the others."""
        sql, params = (
            "select * from reports where submitted_at >= ?",
            [stamp(since) if since else ""],
        )
        if user_key:
            sql, params = sql + " and user_key = ?", [*params, user_key]
        reports, unreadable = [], []
        for row in self._s.rows(sql + " order by submitted_at, number", tuple(params)):
            try:
                reports.append(self._report(row))
            except RecordsError as exc:
                unreadable.append(Unreadable(str(row.get("number")), str(exc)))
        return [r for r in reports if not status or r.status == status], unreadable

    def unreadable(self) -> list[Unreadable]:
        """Every stored report that cannot be decrypted or parsed (for `reports verify`)."""
        return self.scan()[1]

    def acknowledge(
        self,
        number: str,
        *,
        by_key: str,
        by_name: str,
        now: datetime,
        notices: list[tuple[str, str, str]],
    ) -> tuple[Report, bool]:
        """Record the first acknowledgement and queue `notices` (purpose, platform, destination).
        Returns the report and whether this call was the one that acknowledged it."""
        with self._s.transaction() as db:
            if not list(db.query("select 1 from reports where number = ?", (number,))):
                raise RecordsError(f"there is no report {number}")
            if list(db.query("select 1 from acknowledgements where number = ?", (number,))):
                return self.get(number), False
            db["acknowledgements"].insert(
                {
                    "number": number,
                    "by_key": by_key,
                    "at": stamp(now),
                    "by_name": self._s.cipher.seal(by_name),
                }
            )
            audit.append(
                db, at=stamp(now), event="report.acknowledged", subject=number, actor=by_key
            )
            for purpose, platform, destination in notices:
                enqueue(
                    db,
                    subject=number,
                    purpose=purpose,
                    platform=platform,
                    destination=destination,
                    now=now,
                )
        return self.get(number), True

    def unacknowledged(self, *, delivered_before: datetime) -> list[tuple[str, str, str]]:
        """(number, platform, destination) of posts delivered before the cut-off, not yet
        acknowledged and not yet re-announced."""
        return [
            (r["subject"], r["platform"], r["destination"])
            for r in self._s.rows(
                "select o.subject, o.platform, o.destination from outbox o "
                "where o.purpose = 'post' and o.state = 'sent' and o.sent_at < ? "
                "and not exists (select 1 from acknowledgements a where a.number = o.subject) "
                "and not exists (select 1 from outbox r where r.purpose = 'reannounce' "
                "and r.subject = o.subject and r.destination = o.destination)",
                (stamp(delivered_before),),
            )
        ]

    def _number(self, db, sub: Submission, now: datetime) -> str:
        if sub.amends:
            count = next(
                db.query("select count(*) as n from reports where amends = ?", (sub.amends,))
            )
            return f"{sub.amends}-A{count['n'] + 1}"
        year = self._year_of(now)
        row = list(
            db.query(
                "select last from counters where prefix = ? and year = ?", (sub.number_prefix, year)
            )
        )
        last = row[0]["last"] + 1 if row else 1
        db["counters"].upsert(
            {"prefix": sub.number_prefix, "year": year, "last": last}, pk=("prefix", "year")
        )
        return f"{sub.number_prefix}-{year}-{last:04d}"

    def _report(self, row: dict) -> Report:
        """The row decrypted; RecordsError naming the report if any part of it can't be read."""
        try:
            return self._decode(row)
        except RecordsError as exc:
            raise RecordsError(f"report {row.get('number')} cannot be read: {exc}") from None
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            raise RecordsError(
                f"report {row.get('number')} cannot be read: its stored contents are malformed "
                f"({type(exc).__name__})"
            ) from None

    def _decode(self, row: dict) -> Report:
        body = json.loads(self._s.cipher.open(row["body"]))
        ack = self._s.rows("select * from acknowledgements where number = ?", (row["number"],))
        delivered = self._s.rows(
            "select 1 from outbox where subject = ? and purpose = 'post' and state = 'sent'",
            (row["number"],),
        )
        return Report(
            number=row["number"],
            form=row["form"],
            title=body["title"],
            user_key=row["user_key"],
            platform=row["platform"] or "",
            reporter_name=body["reporter_name"],
            supervisor=body["supervisor"],
            amends=row["amends"] or "",
            event_at=parse(row["event_at"]),
            started_at=parse(row["started_at"]),
            submitted_at=parse(row["submitted_at"]),
            delay_seconds=row["delay_seconds"],
            policy_revision=row["policy_revision"] or "",
            policy_sha256=row["policy_sha256"] or "",
            fields=tuple(tuple(f) for f in body["fields"]),
            late_reason=body.get("late_reason", ""),
            warnings=tuple(body.get("warnings", ())),
            acknowledgement=Acknowledgement(
                ack[0]["by_key"], self._s.cipher.open(ack[0]["by_name"]), parse(ack[0]["at"])
            )
            if ack
            else None,
            delivered=bool(delivered),
        )


def _body(sub: Submission) -> dict:
    return {
        "title": sub.title,
        "reporter_name": sub.reporter_name,
        "supervisor": sub.supervisor,
        "fields": [list(f) for f in sub.fields],
        "answers": sub.answers,
        "late_reason": sub.late_reason,
        "warnings": list(sub.warnings),
    }
