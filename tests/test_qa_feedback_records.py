"""Rated answers are stored (encrypted) and survive a restart; unrated questions are never written."""

import sqlite3

from bot.config import load_config
from bot.messages import Action, Buttons, Incoming
from bot.wiring import build_core
from tests.conftest import run_app


def _config(tmp_path):
    return load_config({"DATABASE_PATH": str(tmp_path / "edc.sqlite3")}, env_file=None)


def _ref(reply, action):
    return next(
        b.value
        for p in reply.parts
        if isinstance(p, Buttons)
        for b in p.buttons
        if b.action == action
    )


def test_only_rated_questions_are_stored_and_they_outlive_the_process(tmp_path, index):
    core = build_core(_config(tmp_path), index=index)
    ask = lambda text: core.bot.handle(Incoming(text, "U1", "D1", platform="slack"))  # noqa: E731
    rated = ask("can I friend a student's mom on facebook")[0]
    ask("is gmail ok for emailing my class")  # asked, never rated
    core.bot.handle(
        Incoming(
            "",
            "U1",
            "D1",
            platform="slack",
            action=Action("feedback.down", _ref(rated, "feedback.down")),
        )
    )
    ask("I wanted the part about parents")  # the follow-up comment
    core.close()

    with sqlite3.connect(tmp_path / "edc.sqlite3") as db:
        assert db.execute("select count(*) from qa_asked").fetchone() == (1,)
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("edc.sqlite3"))
    assert b"gmail" not in raw and b"facebook" not in raw and b"parents" not in raw

    out = run_app("reports", "feedback", env={"DATABASE_PATH": str(tmp_path / "edc.sqlite3")})
    text = out.stdout.decode()
    assert out.returncode == 0, out.stderr
    assert "can I friend a student's mom on facebook" in text
    assert "I wanted the part about parents" in text and "down" in text
    assert "gmail" not in text
