"""`python app.py chat` as a subprocess with real stdin/stdout."""

from bot.engine import help_text
from bot.forms import strings as forms_strings
from tests.conftest import run_app


def chat(lines, tmp_path):
    env = {"DATABASE_PATH": str(tmp_path / "edc.sqlite3")}
    proc = run_app("chat", stdin="\n".join(lines) + "\n", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
    return proc.stdout.decode()


def test_console_answers_questions_and_commands(tmp_path, policy):
    out = chat(
        ["/edc can I text a student?", "policy", "/edc 3.10", "help", "3.99", "quit"], tmp_path
    )
    assert "What the policy says" in out or "[3.5]" in out or "[2]" in out
    assert "3.12  " + policy.clause("3.12").title in out
    assert "Staff members should not access their private Facebook" in out
    assert "no clause 3.99" in out


def test_help_prints_the_help_not_the_drafts(tmp_path):
    """`help` and `/edc help` with no report open are the bot's help (the old test passed on
    "You have no unfinished reports…", which also mentions /edc report)."""
    first_line = help_text().splitlines()[0].split(" policy ")[0]
    for command in ("help", "/edc help"):
        out = chat([command], tmp_path)
        assert first_line in out, out
        assert forms_strings.NO_DRAFTS not in out
        assert "/edc concern" in out and "*" not in out  # plain text: no mrkdwn asterisks


def test_console_prefix_is_optional(tmp_path):
    with_prefix = chat(["/edc is it ok to friend a parent on facebook"], tmp_path)
    without = chat(["is it ok to friend a parent on facebook"], tmp_path)
    assert with_prefix.split("\n", 1)[1] == without.split("\n", 1)[1]


def test_console_survives_bad_bytes(tmp_path):
    env = {"DATABASE_PATH": str(tmp_path / "edc.sqlite3")}
    proc = run_app("chat", stdin=b"\xff\xfe\n/edc policy\n", env=env)
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr.decode()
    assert "3.12" in proc.stdout.decode()
