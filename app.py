"""Command line and wiring: the only place that reads config, opens storage and starts surfaces.

python app.py                 serve every configured surface; the console chat when none is
python app.py chat            console chat
python app.py ask [--json] [QUESTION ...]
python app.py serve           HTTP: Slack /slack/events, Teams /api/messages, GET /healthz
python app.py socket          Slack over Socket Mode
python app.py teams-package   the Teams app package (zip) to upload
python app.py slack-manifest  the Slack app manifest (YAML) to paste
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
    slack = sub.add_parser("slack-manifest", help="write the Slack app manifest (YAML) to paste")
    slack.add_argument("--output", default="", help="file to write (default: standard output)")
    slack.add_argument(
        "--url",
        default="",
        help="HTTP mode: the bot's public https address, e.g. https://edc.example.org "
        "(default: Socket Mode)",
    )
    slack.set_defaults(func=cmd_slack_manifest)
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
    http = config.teams_enabled or (config.slack_enabled and not socket)
    if socket or http:
        return _run_surfaces(config, http=http, socket=socket)
    return cmd_chat(args, config)


def cmd_serve(args, config) -> int:
    return _run_surfaces(config, http=True, socket=False)


def cmd_socket(args, config) -> int:
    config.require("slack_bot_token", "slack_app_token")
    return _run_surfaces(config, http=False, socket=True)


def _run_surfaces(config, *, http: bool, socket: bool) -> int:
    """Build the core once; start every configured surface over it; serve until interrupted."""
    import threading

    from bot.records import RecordsError
    from handlers.surface import Mode

    try:
        running = start_surfaces(config, Mode(http=http, socket=socket), index=_index(config))
    except RecordsError as exc:
        print(f"Records error: {exc}", file=sys.stderr)
        return 2
    try:
        if http:
            from handlers.http_server import serve

            serve(running.web_app(config), port=config.port, max_connections=config.max_connections)
        else:
            threading.Event().wait()
        return 0
    finally:
        running.close()


class Running:
    """The core and its started surfaces (see handlers/surface.py)."""

    def __init__(self, core, surfaces) -> None:
        self.core = core
        self.surfaces = surfaces

    def web_app(self, config):
        """One HTTP server for every surface's routes, and GET /healthz."""
        from handlers.http_server import build_web_app

        routes = [route for surface in self.surfaces for route in surface.routes]
        return build_web_app(config, extra_routes=routes, health=self.health)

    def health(self) -> dict:
        """Ready when every surface is; problems from the surfaces and the delivery worker."""
        delivery = self.core.worker.health()
        state = {"ready": True, "surfaces": [s.name for s in self.surfaces]}
        problems = list(delivery.get("problems", ()))
        problems += [f"{n} deliveries {s}" for s in ("held", "failed") if (n := delivery.get(s))]
        for surface in self.surfaces:
            extra = dict(surface.health())
            state["ready"] = state["ready"] and extra.pop("ready", True)
            problems += extra.pop("problems", ())
            state.update(extra)
        return {**state, "problems": problems}

    def close(self) -> None:
        for surface in self.surfaces:
            surface.close()
        self.core.close()


def start_surfaces(config, mode, *, index=None) -> Running:
    """Build the core, register and start every surface configured for `mode`."""
    from bot.wiring import build_core
    from handlers.surfaces import build_surfaces

    core = build_core(config, index=index)
    try:
        surfaces = build_surfaces(config, core, mode)
        for surface in surfaces:
            core.add_surface(surface)
        core.start()
        for surface in surfaces:
            surface.start()
    except BaseException:
        core.close()
        raise
    return Running(core, surfaces)


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


def cmd_slack_manifest(args, config) -> int:
    from pathlib import Path

    from handlers.slack.manifest import AddressError, manifest_yaml

    try:
        text = manifest_yaml(config, url=args.url)
    except AddressError as exc:  # a bad bundle or forms folder is main's to report
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.output:
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(
        f"Wrote {args.output} — paste it at https://api.slack.com/apps: Create New App → "
        "From an app manifest (or, for an existing app, App Manifest)."
    )
    return 0


def cmd_chat(args, config) -> int:
    """The console chat over the full core: reports are stored, delivered to the local
    supervisor log (beside the database) and acknowledged with /edc ack."""
    from bot.records import RecordsError
    from bot.wiring import build_core
    from handlers.console import run_console
    from handlers.console_notifier import LOG_NAME, ConsoleNotifier
    from handlers.console_surface import ConsoleSurface

    try:
        core = build_core(config)
    except RecordsError as exc:
        print(f"Records error: {exc}", file=sys.stderr)
        return 2
    log_path = config.database_path.parent / LOG_NAME
    core.add_surface(ConsoleSurface(notifier=ConsoleNotifier(log_path=log_path)))
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
