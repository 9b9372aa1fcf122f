"""The console chat: the same commands as /edc, typed in a terminal (or piped in for tests)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.engine import Bot
from bot.messages import Incoming, Reply
from bot.render_text import render

BANNER = "EDC Policy Bot — console chat. Type a question, /edc help, or quit."
PROMPT = "you> "


def run_console(
    bot: Bot,
    *,
    user_id: str = "console-user",
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    on_start: Callable[[Incoming], list[Reply]] | None = None,
) -> int:
    """`on_start` may greet the user first (e.g. a draft left unfinished before a restart)."""
    interactive = stdin.isatty()
    print(BANNER, file=stdout, flush=True)
    if on_start is not None:
        greeting = Incoming(text="", user_id=user_id, conversation_id="console", user_name=user_id)
        for reply in on_start(greeting):
            print(render(reply) + "\n", file=stdout, flush=True)
    for line in _lines(stdin, stdout, interactive):
        if line.strip().lower() in ("quit", "exit", "/quit"):
            break
        incoming = Incoming(
            text=line, user_id=user_id, conversation_id="console", user_name=user_id
        )
        for reply in bot.handle(incoming):
            print(render(reply) + "\n", file=stdout, flush=True)
    return 0


def _lines(stdin: TextIO, stdout: TextIO, interactive: bool):
    while True:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        try:
            line = stdin.readline()
        except (KeyboardInterrupt, UnicodeDecodeError):
            return
        if not line:
            return
        yield line.rstrip("\n")
