"""`python app.py reports …`: the district's records from the command line — a thin layer over
bot/records. Every decrypted read (show, export) is written to the audit log."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.forms.registry import use_forms
from bot.forms.spec import form_names

# "filed" is what staff call a report not yet delivered; "submitted" is kept for old scripts.
STATUSES = ("filed", "submitted", "delivered", "acknowledged")
FORMATS = ("csv", "json", "html")


def add_reports_parser(sub) -> None:
    reports = sub.add_parser("reports", help="district records: list, show, export, verify")
    reports.set_defaults(func=lambda args, config: (reports.print_help(), 2)[1])
    verbs = reports.add_subparsers(dest="verb")
    listing = verbs.add_parser(
        "list", help="list reports: number, form, filed, status, late, reporter, supervisor"
    )
    _filters(listing)
    listing.set_defaults(func=cmd_list)
    show = verbs.add_parser("show", help="show one report in full (the read is audited)")
    show.add_argument("number", help="e.g. EDC-2026-0001")
    show.set_defaults(func=cmd_show)
    exp = verbs.add_parser(
        "export", help="export reports for a records request (reads are audited)"
    )
    exp.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="csv or json (machine-readable, ISO 8601 times) or html (printable, one page per report)",
    )
    exp.add_argument(
        "--output",
        help="file to write (owner-only, 0600), or an existing directory: one file per form, "
        "FORM.FORMAT (default: standard output)",
    )
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
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="only reports filed on or after a day: yesterday, last monday, 3 days ago, "
        "this week, 2026-11-01 …",
    )
    parser.add_argument("--status", choices=STATUSES, help="only reports with this status")
    parser.add_argument(
        "--form", metavar="NAME", help="only reports of this form (its file name: emergency_call …)"
    )


def _select(records, args, tz: ZoneInfo):
    """The reports the filters name, oldest first; None (after saying why) for a bad --since."""
    from bot.since import EXAMPLES, SinceError, parse_since

    since = None
    if args.since:
        try:
            day = parse_since(args.since, today=datetime.now(tz).date())
        except SinceError:
            print(
                f"error: --since {args.since!r} is not a date I can read. Try {EXAMPLES}.",
                file=sys.stderr,
            )
            return None
        since = datetime.combine(day, time(0), tzinfo=tz)
    if args.form and args.form not in form_names():
        print(f"error: --form must be one of {', '.join(form_names())}.", file=sys.stderr)
        return None
    status = {"filed": "submitted"}.get(args.status or "", args.status or "")
    found = _readable(records, since=since, status=status)
    return [r for r in found if not args.form or r.form == args.form]


def cmd_list(args, config) -> int:
    from handlers.reports_output import listing

    records, tz = _open(config)
    reports = _select(records, args, tz)
    if reports is None:
        return 2
    if not reports:
        print("No reports.")
        return 0
    print(listing(reports, tz=tz, late_after=timedelta(hours=config.report_delay_hours)))
    return 0


def cmd_feedback(args, config) -> int:
    """What to improve in the policy bundle: the rated answers (only rated questions are stored)."""
    from bot.safe_text import visible
    from handlers.reports_output import local_time

    records, tz = _open(config)
    rows = records.qa_log.feedback_rows()
    if not rows:
        print("No feedback yet.")
        return 0
    for row in rows:
        comment = f" — “{row['comment']}”" if row["comment"] else ""
        line = f"{local_time(row['at'], tz)}  {row['value']:<7} “{row['question']}”{comment}"
        print(visible(line, keep_lines=False))  # questions and comments are staff-typed
    return 0


def cmd_show(args, config) -> int:
    from bot.records import RecordsError
    from bot.render_text import render
    from bot.safe_text import visible
    from bot.supervisor_cards import Cards
    from handlers.reports_output import audit_trail

    records, tz = _open(config)
    try:
        report = records.reports.read(
            args.number, actor=_actor(), via="cli show", now=datetime.now(UTC)
        )
    except RecordsError as exc:
        print(f"error: {visible(str(exc), keep_lines=False)}", file=sys.stderr)
        return 1
    # Report fields are staff-typed: no control character reaches the terminal raw.
    print(visible(render(Cards(tz=tz, mode="full").full_view(report))))
    print()
    print(audit_trail(records.audit_entries(report.number), tz))
    return 0


def cmd_export(args, config) -> int:
    from bot.records.export import ExportError, check_one_file

    records, tz = _open(config)
    found = _select(records, args, tz)
    if found is None:
        return 2
    if args.format == "html":
        found = _with_addenda(records, found)
    try:
        output, directory = _output(args.output)
        if directory is None:
            check_one_file(args.format, {r.form for r in found})
    except OSError as exc:
        print(f"error: cannot create {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    now = datetime.now(UTC)
    reports = [
        records.reports.read(r.number, actor=_actor(), via=f"cli export {args.format}", now=now)
        for r in found
    ]
    documents = _documents(reports, args.format, config, tz, now, directory)
    if output is None and directory is None:
        sys.stdout.write(documents[""])
        return 0
    return _write(
        {output or directory / name: text for name, text in documents.items()}, len(reports)
    )


def _documents(reports, fmt: str, config, tz: ZoneInfo, now: datetime, directory) -> dict:
    """{file name: text}: one per form for a directory, else {"": the one document}."""
    from bot.records.export import render, render_per_form
    from knowledge.bundle import load_bundle
    from knowledge.policy import load_policy

    options = {
        "tz": tz,
        "late_after": timedelta(hours=config.report_delay_hours),
        "district": load_policy(load_bundle(config.policy_dir).policy_file).district,
        "printed_at": now,
    }
    if directory is not None:
        return render_per_form(reports, fmt, **options)
    return {"": render(reports, fmt, **options)}


def _write(files: dict[Path, str], count: int) -> int:
    from bot.records.export import write_private

    for path, text in files.items():
        try:
            write_private(path, text)
        except OSError as exc:
            print(f"error: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"Wrote {path} (readable by its owner only)", file=sys.stderr)
    print(f"Exported {count} report(s).", file=sys.stderr)
    return 0


def _output(raw: str | None) -> tuple[Path | None, Path | None]:
    """(file, directory) that --output names: an existing directory, or a new one when the
    path ends in "/" (created owner-only); otherwise a file."""
    if raw is None:
        return None, None
    path = Path(raw)
    if raw.endswith(("/", os.sep)) and not path.exists():
        path.mkdir(mode=0o700, parents=True)
    return (None, path) if path.is_dir() else (path, None)


def _with_addenda(records, reports: list) -> list:
    """The printable report includes each report's addenda, also those the filters left out."""
    numbers = {r.number for r in reports}
    extra = [r for r in records.reports.find() if r.amends in numbers and r.number not in numbers]
    return sorted([*reports, *extra], key=lambda r: (r.submitted_at, r.number))


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

    use_forms(config.forms_dir)  # reports name their form: read its labels and clause there
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


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"
