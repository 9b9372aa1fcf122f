"""Helpers for the report tests: a real core over a real SQLite file in tmp_path, and scripts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cryptography.fernet import Fernet

from bot.config import Config
from bot.messages import Action, Incoming
from bot.render_text import render
from bot.wiring import Core, build_core
from handlers.console_notifier import CHANNEL, LOG_NAME, ConsoleNotifier
from handlers.console_surface import ConsoleSurface

KEY = Fernet.generate_key().decode()
NEED = "A student left the field trip site and the parent had to be reached at once"
CONTENT = (
    "I told the parent that the student had left the site; they said they would come and "
    "collect the student right away, and we agreed to meet at the north gate"
)
PARTY = "J.D. grade 8"
SUPERVISOR = "Ms Rivera"
# One answer per question of the emergency-call report, in order (the call was recent: no delay reason).
REPORT_ANSWERS = [
    "yes",
    "yes",
    "yes",
    "20 minutes ago",
    "1",
    PARTY,
    "1",
    "5 minutes",
    NEED,
    CONTENT,
    "skip",
    SUPERVISOR,
]
SECRETS = (NEED, CONTENT, PARTY, SUPERVISOR, "north gate")


def chat_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"DATABASE_PATH": str(tmp_path / "edc.sqlite3"), "EDC_ENCRYPTION_KEY": KEY, **extra}


def make_core(tmp_path: Path, index, **settings) -> Core:
    config = replace(
        Config(), database_path=tmp_path / "edc.sqlite3", encryption_key=KEY, **settings
    )
    core = build_core(config, index=index)
    notifier = ConsoleNotifier(log_path=tmp_path / LOG_NAME, stdout=_Sink())
    core.add_surface(ConsoleSurface(notifier=notifier, destination=CHANNEL))
    return core


def say(core: Core, text: str, *, user: str = "u1", private: bool = True, name: str = "") -> str:
    incoming = Incoming(
        text=text, user_id=user, conversation_id="c", is_private=private, user_name=name or user
    )
    return "\n".join(render(r) for r in core.bot.handle(incoming))


def press(
    core: Core,
    name: str,
    value: str = "",
    *,
    user: str = "u1",
    private: bool = True,
    values: dict | None = None,
) -> list:
    incoming = Incoming(
        text="",
        user_id=user,
        conversation_id="c",
        is_private=private,
        user_name=user,
        action=Action(name, value, values or {}),
    )
    return core.bot.handle(incoming)


class _Sink:
    """Swallows the console notifier's echo (its log file is what the tests read)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
