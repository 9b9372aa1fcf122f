"""Command line and wiring: the only place that reads config, opens storage and starts surfaces.

    python app.py                 serve every configured surface; the console chat when none is
    python app.py chat            console chat
    python app.py ask [--json] [QUESTION ...]
    python app.py serve           HTTP: Slack /slack/events, Teams /api/messages, GET /healthz
    python app.py socket          Slack over Socket Mode
    python app.py reports list|show|export|verify
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys

from bot.config import ConfigError, load_config

log = logging.getLogger("edc")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config()
        return args.func(args, config)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="EDC Policy Bot")
    parser.set_defaults(func=cmd_default)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("chat", help="console chat").set_defaults(func=cmd_chat)
    ask = sub.add_parser("ask", help="answer one question, or one per line from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("question", nargs="*", help="the question (omit to read stdin)")
    ask.set_defaults(func=cmd_ask)
    return parser


def _index():
    from knowledge.search import build_index

    return build_index()


def cmd_default(args, config) -> int:
    return cmd_chat(args, config)


def cmd_chat(args, config) -> int:
    from bot.engine import Bot
    from handlers.console import run_console

    bot = Bot(index=_index())
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    return run_console(bot, stdin=stdin)


def cmd_ask(args, config) -> int:
    from bot.answers import answer_reply, decline_reply
    from bot.render_text import render

    index = _index()
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
    return {
        "question": question,
        "answered": result.answered,
        "clauses": list(result.clauses),
        "confidence": result.confidence,
        "quote": " ".join(result.quote),
        "verdict": result.answer.verdict if result.answer else "",
        "answer": result.answer.answer if result.answer else "",
        "why": list(result.why),
        "policy_revision": policy.revision,
        "policy_sha256": policy.sha256,
    }


if __name__ == "__main__":
    sys.exit(main())
