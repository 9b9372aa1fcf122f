"""The console's "supervisor channel": a log file beside the database, echoed to the terminal.

The terminal shows the card as posted; the log file keeps no more than a channel post in
*summary* mode would: the heading, the reporter, supervisor and times, and the typed commands —
never the report's answers, nor the reason given for a delay (they are staff-typed report
content, read with `python app.py reports show`, which is audited).

It keeps the Notifier contract like the real platforms do: a post whose key is already in the
log is not written again (so a crash between posting and recording the post cannot duplicate
it), and a log that cannot be written raises DeliveryError so the outbox retries.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot import actions
from bot.forms.strings import CARD_FIELDS
from bot.messages import Buttons, Fields, Reply
from bot.notify import DeliveryError, Posted
from bot.render_text import render

CHANNEL = "supervisors"  # the console's one supervisor channel
LOG_NAME = "supervisor-channel.log"
_MARK = re.compile(r"^=== .* key=(\S+)$", re.MULTILINE)
_TYPED = {actions.ACKNOWLEDGE: "/edc ack {value}", actions.VIEW: "/edc view {value}"}
TYPE_HINT = "  (type {commands})"


class ConsoleNotifier:
    platform = "console"

    def __init__(self, *, log_path: Path, stdout: TextIO = sys.stdout) -> None:
        self.log_path = log_path
        self.stdout = stdout
        self._lock = threading.Lock()

    def post(self, destination: str, reply: Reply, *, key: str) -> Posted:
        with self._lock:
            if key not in self._posted_keys():
                self._append(f"post to #{destination}", key, reply)
                self._echo(f"[#{destination}]", reply)
        return Posted(ref=key)

    def update(self, destination: str, posted: Posted, reply: Reply) -> None:
        with self._lock:
            self._append(f"update of {posted.ref} in #{destination}", f"{posted.ref}:update", reply)
            self._echo(f"[#{destination}, updated]", reply)

    def send_direct(self, user_id: str, reply: Reply) -> None:
        with self._lock:
            self._echo(f"[direct message to {user_id}]", reply)

    def _posted_keys(self) -> set[str]:
        try:
            return set(_MARK.findall(self.log_path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return set()
        except OSError as exc:
            raise DeliveryError(f"cannot read {self.log_path}: {exc.strerror}") from None

    def _append(self, what: str, key: str, reply: Reply) -> None:
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        entry = f"=== {stamp} {what} key={key}\n{_text(summary(reply))}\n\n"
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            # Owner-only: the local "supervisor channel" holds confidential report text.
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with open(fd, "a", encoding="utf-8") as handle:
                handle.write(entry)
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.log_path}: {exc.strerror}") from None

    def _echo(self, where: str, reply: Reply) -> None:
        print(f"{where}\n{_text(reply)}\n", file=self.stdout, flush=True)


def _text(reply: Reply) -> str:
    """Plain text plus the typed equivalent of buttons the terminal cannot show."""
    typed = [
        _TYPED[b.action].format(value=b.value)
        for part in reply.parts
        if isinstance(part, Buttons)
        for b in part.buttons
        if b.action in _TYPED
    ]
    text = render(reply)
    return text + "\n" + TYPE_HINT.format(commands=" or ".join(typed)) if typed else text


def summary(reply: Reply) -> Reply:
    """The card as a summary-mode post holds it: the first Fields part (the card's head: who,
    when, the delay) without the reason for the delay; every later Fields part — the report's
    answers in a full-mode card — is left out."""
    parts, head_seen = [], False
    for part in reply.parts:
        if isinstance(part, Fields):
            if head_seen:
                continue
            head_seen = True
            part = replace(part, items=tuple((k, _without_reason(k, v)) for k, v in part.items))
        parts.append(part)
    return replace(reply, parts=tuple(parts))


def _without_reason(label: str, value: str) -> str:
    # The card shows the delay as "26 h 10 min — <reason the reporter typed>".
    return value.partition(" — ")[0] if label == CARD_FIELDS["delay"] else value
