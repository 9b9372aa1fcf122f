"""The console chat: the same commands as /edc, typed in a terminal (or piped in for tests).

The reporter is the person logged in (the OS user name), so a report filed here names them and
they cannot acknowledge it themselves. In a terminal, lines can be edited and recalled with the
arrow keys (readline); the history is kept for the session only and never written to a file,
because answers to a report are confidential. Output is wrapped to the terminal's width.
"""

from __future__ import annotations

import contextlib
import getpass
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from bot.engine import Bot
from bot.messages import Incoming, Reply
from bot.render_text import WIDTH, fit, render

BANNER = "EDC Policy Bot — console chat. Type a question, /edc help, or quit."
PROMPT = "you> "
QUIT = frozenset({"quit", "exit", "/quit", "/exit", "bye"})
FALLBACK_USER = "console-user"
USER_NAME = re.compile(r"[\w.@+-]{1,64}")  # what a login name is made of; anything else is not


def console_user() -> str:
    """Who is typing: the OS user name (LOGNAME, USER, … or the password database)."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no such variables and no passwd entry
        name = ""
    return name if USER_NAME.fullmatch(name or "") else FALLBACK_USER


def run_console(
    bot: Bot,
    *,
    user_id: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    on_start: Callable[[Incoming], list[Reply]] | None = None,
) -> int:
    """`on_start` may greet the user first (e.g. a draft left unfinished before a restart)."""
    user_id = user_id or console_user()
    terminal = _isatty(stdin) and _isatty(stdout)
    columns = _columns()

    def show(replies: list[Reply]) -> None:
        for reply in replies:
            text = render(reply, width=columns or WIDTH)  # quotes wrapped to the window too
            print(fit(text, columns) + "\n", file=stdout, flush=True)

    print(fit(BANNER, columns), file=stdout, flush=True)
    if on_start is not None:
        show(on_start(_incoming("", user_id)))
    lines = _typed_lines() if terminal else _piped_lines(stdin)
    for line in lines:
        if line.strip().lower() in QUIT:
            break
        show(bot.handle(_incoming(line, user_id)))
    return 0


def _incoming(text: str, user_id: str) -> Incoming:
    return Incoming(text=text, user_id=user_id, conversation_id="console", user_name=user_id)


def _columns() -> int | None:
    """The terminal's width (or COLUMNS); None when output goes to a pipe or a file."""
    columns = shutil.get_terminal_size(fallback=(0, 0)).columns
    return columns or None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def _typed_lines() -> Iterator[str]:
    """Lines from a person at a terminal, with line editing and in-session history."""
    with contextlib.suppress(ImportError):  # not on every platform; plain input() still works
        import readline  # noqa: F401 — importing it gives input() editing and history
    while True:
        try:
            yield input(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            return
        except UnicodeDecodeError:
            continue  # an undecodable line is dropped; the next prompt follows


def _piped_lines(stdin: TextIO) -> Iterator[str]:
    while True:
        try:
            line = stdin.readline()
        except (KeyboardInterrupt, UnicodeDecodeError):
            return
        if not line:
            return
        yield line.rstrip("\n")
