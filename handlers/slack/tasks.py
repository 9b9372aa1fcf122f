"""What a listener hands over after the ack: plain data that says what to do and for whom."""

from __future__ import annotations

from dataclasses import dataclass

from bot.messages import Incoming, Reply
from handlers.slack.inbound import Origin


@dataclass(frozen=True)
class Task:
    kind: str  # "answer" (a message or a click) | "home" | "note" | "dm"
    user: str  # whose queue it joins: one user's tasks run in order
    incoming: Incoming | None = None
    origin: Origin | None = None
    text: str = ""  # "note": the text
    replies: tuple[Reply, ...] = ()  # "dm": what to send
