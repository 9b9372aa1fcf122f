"""Command line and wiring: the only place that reads config, opens storage and starts surfaces.

python app.py                 serve every configured surface; the console chat when none is
python app.py chat            console chat
python app.py ask [--json] [QUESTION ...]
python app.py serve           HTTP: Slack /slack/events, Teams /api/messages, GET /healthz
python app.py socket          Slack over Socket Mode
python app.py teams-package   the Teams app package (zip) to upload
python app.py reports list|show|export|verify
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys

from bot.config import ConfigError, load_config
from knowledge.errors import KnowledgeError

log = logging.getLogger("edc")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = load_config()
        return args.func(args, config)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        print(f"Knowledge base error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `app.py reports list | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="EDC Policy Bot")
    parser.set_defaults(func=cmd_default)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("chat", help="console chat").set_defaults(func=cmd_chat)
    ask = sub.add_parser("ask", help="answer one question, or one per line from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("question", nargs="*", help="the question (omit to read stdin)")
    ask.set_defaults(func=cmd_ask)
    from handlers.reports_cli import add_reports_parser  # light: its imports are lazy

    add_reports_parser(sub)
    sub.add_parser(
        "serve", help="HTTP on PORT: Slack /slack/events, Teams /api/messages, GET /healthz"
    ).set_defaults(func=cmd_serve)
    sub.add_parser("socket", help="Slack over Socket Mode (no public URL needed)").set_defaults(
        func=cmd_socket
    )
    package = sub.add_parser("teams-package", help="write the Teams app package (zip) to upload")
    package.add_argument("--output", default="dist/edc-policy-bot-teams.zip", help="zip to write")
    package.add_argument("--version", default="1.0.0", help="app version (raise it for updates)")
    package.add_argument(
        "--website", default="", help="developer https URL (default: the policy bundle's)"
    )
    package.add_argument("--privacy", default="", help="privacy statement https URL")
    package.add_argument("--terms", default="", help="terms of use https URL")
    package.set_defaults(func=cmd_teams_package)
    return parser


def _index(config):
    """The index of the policy bundle EDC_POLICY_DIR names."""
    from knowledge.bundle import load_bundle
    from knowledge.search import build_index

    return build_index(bundle=load_bundle(config.policy_dir))


def cmd_default(args, config) -> int:
    """Serve every surface with credentials (Slack Socket Mode when it has an app token, HTTP
    for Slack's signing secret or Teams); the console chat when none is configured."""
    socket = config.socket_mode_enabled
    http = config.teams_authenticated or (config.slack_enabled and not socket)
    if socket or http:
        return _run_surfaces(config, http=http, socket=socket)
    return cmd_chat(args, config)


def cmd_serve(args, config) -> int:
    return _run_surfaces(config, http=True, socket=False)


def cmd_socket(args, config) -> int:
    config.require("slack_bot_token", "slack_app_token")
    return _run_surfaces(config, http=False, socket=True)


def _run_surfaces(config, *, http: bool, socket: bool) -> int:
    """Build the core once; start Slack (HTTP and/or Socket Mode) and Teams over it."""
    import threading

    from bot.records import RecordsError
    from bot.wiring import build_core

    slack_on = socket or config.slack_enabled
    # Who may acknowledge a report, per platform; each surface registers its own check once
    # it is built (Slack: members of the supervisor channel; Teams: clicks from that channel).
    ack_checks = {}
    try:
        core = build_core(
            config,
            index=_index(config),
            can_acknowledge=lambda i: ack_checks.get(i.platform, _nobody)(i),
        )
    except RecordsError as exc:
        print(f"Records error: {exc}", file=sys.stderr)
        return 2
    slack = None
    try:
        if slack_on:
            from handlers.slack.bolt_app import build_slack, slack_supervisor_check

            ack_checks["slack"] = slack_supervisor_check(config)
            # Over HTTP the answers run in a separate worker process (acks never wait for
            # them); Socket Mode acks over its own connection and keeps them in-process.
            slack = build_slack(
                config, core.bot, socket_mode=socket, core=core, answer_process=not socket
            )
            core.add_route(slack.notifier, config.slack_supervisor_channel)
            threading.Thread(target=slack.check, name="slack-check", daemon=True).start()
        elif http:
            log.info(
                "Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): /slack/events is off"
            )
        if socket:
            from handlers.slack.socket_mode import socket_handler

            socket_handler(slack).connect()
            log.info("Slack: connected over Socket Mode")
        if not http:
            core.start()
            threading.Event().wait()
            return 0
        from handlers.http_server import build_web_app, serve
        from handlers.teams.references import ReferenceStore
        from handlers.teams.server import build_teams

        teams = build_teams(
            core=core.bot, config=config, store=ReferenceStore(storage=core.records.storage)
        )
        ack_checks["teams"] = teams.in_supervisor_channel
        core.add_route(teams.notifier, teams.destination)
        core.start()
        web_app = build_web_app(
            config,
            slack=slack if not socket else None,
            extra_routes=teams.routes,
            health_checks=[teams.health],
        )
        serve(web_app, port=config.port, max_connections=config.max_connections)
        return 0
    finally:
        if slack is not None:
            slack.close()
        core.close()


def _nobody(incoming) -> bool:
    """A platform with no registered check may not acknowledge (the console has its own run)."""
    return False


def cmd_teams_package(args, config) -> int:
    from pathlib import Path

    from handlers.teams.manifest import write_package

    path = write_package(
        config,
        Path(args.output),
        version=args.version,
        website=args.website,
        privacy=args.privacy,
        terms=args.terms,
    )
    print(f"Wrote {path} — upload it in Teams: Apps → Manage your apps → Upload an app.")
    return 0


def cmd_chat(args, config) -> int:
    """The console chat over the full core: reports are stored, delivered to the local
    supervisor log (beside the database) and acknowledged with /edc ack."""
    from bot.records import RecordsError
    from bot.wiring import build_core
    from handlers.console import run_console
    from handlers.console_notifier import CHANNEL, LOG_NAME, ConsoleNotifier

    try:
        core = build_core(config)
    except RecordsError as exc:
        print(f"Records error: {exc}", file=sys.stderr)
        return 2
    core.add_route(ConsoleNotifier(log_path=config.database_path.parent / LOG_NAME), CHANNEL)
    core.start()
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    try:
        return run_console(core.bot, stdin=stdin, on_start=core.reports.welcome_back)
    finally:
        core.close()


def cmd_ask(args, config) -> int:
    from bot.answers import answer_reply, decline_reply
    from bot.render_text import render

    index = _index(config)
    policy = index.policy
    if args.question:
        questions = list(enumerate(_questions_from_args(args.question), 1))
    else:
        questions = _stdin_lines()
    for line_no, question in questions:
        if question is None:
            print(f"error: line {line_no} of standard input is not UTF-8 text", file=sys.stderr)
            return 2
        if args.json:
            result = index.search(question)
            print(json.dumps(_as_json(question, result, policy), ensure_ascii=False), flush=True)
        else:
            result = index.search(question)
            reply = (answer_reply if result.answered else decline_reply)(policy, result)
            print(render(reply) + "\n", flush=True)
    return 0


def _questions_from_args(words: list[str]) -> list[str]:
    """`ask "q one" "q two"` asks two questions; `ask can I text a student` asks one."""
    if sum(" " in w.strip() for w in words) >= 2:
        return [w for w in words if w.strip()]
    return [" ".join(words)]


def _stdin_lines():
    for n, raw in enumerate(sys.stdin.buffer, 1):
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield n, None
            return
        if text.strip():
            yield n, text


def _as_json(question, result, policy) -> dict:
    from knowledge.quotes import join_passages

    top = policy.clause(result.clauses[0]) if result.answered else None
    return {
        "question": question,
        "answered": result.answered,
        "clauses": list(result.clauses),
        "confidence": result.confidence,
        "quote": join_passages(top.text, result.quote) if top else "",
        "verdict": result.answer.verdict if result.answer else "",
        "answer": result.answer.answer if result.answer else "",
        "also": [
            {"clause": a.clause, "verdict": a.verdict, "answer": a.answer, "quote": a.quote}
            for a in result.also
        ],
        "why": list(result.why),
        "policy_revision": policy.revision,
        "policy_sha256": policy.sha256,
    }


if __name__ == "__main__":
    sys.exit(main())
