"""`python app.py reports …`: the district's records from the command line — a thin layer over
bot/records. Every decrypted read (show, export) is written to the audit log."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

STATUSES = ("submitted", "delivered", "acknowledged")


def add_reports_parser(sub) -> None:
    reports = sub.add_parser("reports", help="district records: list, show, export, verify")
    reports.set_defaults(func=lambda args, config: (reports.print_help(), 2)[1])
    verbs = reports.add_subparsers(dest="verb")
    listing = verbs.add_parser("list", help="list reports (number, dates, reporter, status)")
    _filters(listing)
    listing.set_defaults(func=cmd_list)
    show = verbs.add_parser("show", help="show one report in full (the read is audited)")
    show.add_argument("number", help="e.g. EDC-2026-0001")
    show.set_defaults(func=cmd_show)
    exp = verbs.add_parser(
        "export", help="export reports for a records request (reads are audited)"
    )
    exp.add_argument("--format", choices=("csv", "json", "html"), default="csv")
    exp.add_argument("--output", type=Path, help="file to write (default: standard output)")
    _filters(exp)
    exp.set_defaults(func=cmd_export)
    _verify_parser(verbs)
    _deliveries_parser(verbs)
    verbs.add_parser(
        "feedback", help="answers staff rated 👍/👎, with their comments"
    ).set_defaults(func=cmd_feedback)
    for verb in verbs.choices.values():
        verb.set_defaults(func=_one_line_errors(verb.get_default("func")))


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_date, help="only reports submitted on or after YYYY-MM-DD")
    parser.add_argument("--status", choices=STATUSES, help="only reports with this status")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-28") from None


def cmd_list(args, config) -> int:
    from bot.timeparse import describe, elapsed

    records, tz = _open(config)
    reports = _readable(records, since=_since(args, tz), status=args.status or "")
    if not reports:
        print("No reports.")
        return 0
    print(f"{'NUMBER':<18} {'SUBMITTED':<28} {'STATUS':<13} {'DELAY':<12} REPORTER")
    for r in reports:
        delay = elapsed(timedelta(seconds=r.delay_seconds)) if r.delay_seconds is not None else "—"
        print(
            f"{r.number:<18} {describe(r.submitted_at, tz):<28} {r.status:<13} {delay:<12} {r.reporter_name}"
        )
    return 0


def cmd_feedback(args, config) -> int:
    """What to improve in knowledge/data: the rated answers (only rated questions are stored)."""
    records, _ = _open(config)
    rows = records.qa_log.feedback_rows()
    if not rows:
        print("No feedback yet.")
        return 0
    for row in rows:
        comment = f" — “{row['comment']}”" if row["comment"] else ""
        print(f"{row['at']}  {row['value']:<7} “{row['question']}”{comment}")
    return 0


def cmd_show(args, config) -> int:
    from bot.records import RecordsError
    from bot.render_text import render
    from bot.supervisor_cards import Cards

    records, tz = _open(config)
    try:
        report = records.reports.read(
            args.number, actor=_actor(), via="cli show", now=datetime.now(UTC)
        )
    except RecordsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(render(Cards(tz=tz, mode="full").full_view(report)))
    print("\nAudit trail:")
    for entry in records.audit_entries(report.number):
        print(f"  {entry.at}  {entry.event:<22} {entry.actor}")
    return 0


def cmd_export(args, config) -> int:
    from bot.records.export import export

    records, tz = _open(config)
    now = datetime.now(UTC)
    found = _readable(records, since=_since(args, tz), status=args.status or "")
    reports = [
        records.reports.read(r.number, actor=_actor(), via=f"cli export {args.format}", now=now)
        for r in found
    ]
    text = export(reports, args.format, tz)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {len(reports)} report(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _verify_parser(verbs) -> None:
    verify = verbs.add_parser(
        "verify",
        help="check the audit log's keyed chain, every report, and the chain's head against "
        "the witness file and the witness lines of posted report cards",
    )
    verify.add_argument(
        "--witness",
        action="append",
        default=[],
        type=_witness,
        metavar="SEQ:MAC",
        help="a report card's audit witness line (repeatable; the newest card is best)",
    )
    verify.set_defaults(func=cmd_verify)


def _deliveries_parser(verbs) -> None:
    deliveries = verbs.add_parser(
        "deliveries",
        help="messages not yet delivered (held, failed, waiting) and what stops delivery",
    )
    which = deliveries.add_mutually_exclusive_group()
    which.add_argument(
        "--posted", metavar="KEY", help="a held message IS in the channel: record it as sent"
    )
    which.add_argument(
        "--resend", metavar="KEY", help="a held message is NOT in the channel: send it again"
    )
    deliveries.set_defaults(func=cmd_deliveries)


def cmd_deliveries(args, config) -> int:
    records, _ = _open(config)
    key = args.posted or args.resend
    if key:
        done = records.outbox.release(
            key, posted=bool(args.posted), actor=_actor(), now=datetime.now(UTC)
        )
        if not done:
            print(f"error: no held delivery has the key {key!r}", file=sys.stderr)
            return 1
        print("Recorded as sent." if args.posted else "Queued to be sent again.")
        return 0
    checked = records.outbox.problems()
    for platform, problems in sorted((checked.get("problems") or {}).items()):
        for problem in problems:
            print(f"problem ({platform}, checked {checked.get('at', '?')}): {problem}")
    rows = records.outbox.unsettled()
    if not rows:
        print("Every message has been delivered.")
        return 0
    for row in rows:
        print(
            f"{row['state']:<8} {row['key']}  attempts {row['attempts']}"
            + (f"  — {row['last_error']}" if row["last_error"] else "")
        )
    return 1 if any(r["state"] in ("held", "failed") for r in rows) else 0


def _witness(text: str):
    from bot.records.audit import Witness

    try:
        return Witness.parse(text, source=f"the card witness {text.strip()}")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_verify(args, config) -> int:
    records, _ = _open(config)
    result = records.verify(witnesses=args.witness)
    counts = f"{result.entries} audit entries / {result.reports} reports"
    if result.problems:
        print(f"FAILED: {len(result.problems)} problem(s) in {counts}:")
        for problem in result.problems:
            print(f"  - {problem}")
    else:
        print(f"OK: {counts} are intact.")
    for note in result.notes:
        print(f"  note: {note}")
    return 1 if result.problems else 0


def _open(config):
    from bot.records import Records

    records = Records.open(
        path=config.database_path,
        key=config.encryption_key,
        timezone=config.timezone,
        create=False,  # reading a database that isn't there must not create an empty one
        witness_path=config.audit_witness,
    )
    return records, ZoneInfo(config.timezone)


def _readable(records, **filters) -> list:
    """The matching reports; each one that cannot be read is named on stderr and skipped, so
    one damaged row never blocks the rest."""
    reports, unreadable = records.reports.scan(**filters)
    for bad in unreadable:
        print(f"warning: skipped — {bad.reason} (see: reports verify)", file=sys.stderr)
    return reports


def _one_line_errors(command):
    """Every records problem (bad path, missing or wrong key, a file that isn't SQLite or is
    damaged) is one line on stderr and exit status 2 — never a traceback."""

    def run(args, config) -> int:
        import sqlite3

        from bot.records import RecordsError

        try:
            return command(args, config)
        except RecordsError as exc:
            print(f"Records error: {exc}", file=sys.stderr)
        except BrokenPipeError:
            raise  # `reports list | head`: app.py treats the reader leaving as success
        except sqlite3.DatabaseError as exc:
            print(f"Records error: the database {config.database_path}: {exc}", file=sys.stderr)
        except OSError as exc:
            name = exc.filename or config.database_path
            print(f"Records error: {name}: {exc.strerror or exc}", file=sys.stderr)
        return 2

    return run


def _since(args, tz: ZoneInfo) -> datetime | None:
    return datetime.combine(args.since, time(0), tzinfo=tz) if args.since else None


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"
