"""`python app.py chat` as a subprocess with real stdin/stdout."""

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
    assert "/edc report" in out
    assert "no clause 3.99" in out


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
