"""`python app.py ask` as a subprocess, as an admin or a script would run it."""

import json

from tests.conftest import run_app


def test_ask_one_question_prints_the_answer(policy):
    proc = run_app("ask", "can I text a student?")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr
    assert "[3.5]" in out or "[2]" in out or "[3.7]" in out
    assert policy.revised in out


def test_ask_json_reads_stdin_in_order(policy):
    questions = ["can I friend a parent on facebook", "when does the cafeteria open", "3.5"]
    proc = run_app("ask", "--json", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["question"] for r in rows] == questions
    for row in rows:
        assert set(row) >= {
            "question",
            "answered",
            "clauses",
            "confidence",
            "quote",
            "why",
            "policy_revision",
            "policy_sha256",
        }
        assert 0 <= row["confidence"] <= 1
        assert all(c in policy.ids for c in row["clauses"])
        assert row["policy_sha256"] == policy.sha256
    assert rows[0]["answered"] and rows[0]["quote"]
    assert not rows[1]["answered"] and rows[1]["quote"] == "" and rows[1]["clauses"]


def test_ask_json_quotes_are_verbatim(policy_text):
    proc = run_app(
        "ask", "--json", stdin="can i use gmail with parents\ncan i post a kid's photo\n"
    )
    for line in proc.stdout.decode().splitlines():
        row = json.loads(line)
        assert row["quote"] in policy_text


def test_non_utf8_stdin_is_a_clear_error_with_nonzero_exit():
    proc = run_app("ask", "--json", stdin=b"can i text a student\n\xff\xfe bad bytes\n")
    assert proc.returncode == 2
    assert "not UTF-8" in proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
    assert len(proc.stdout.decode().splitlines()) == 1  # the good line before it was answered


def test_ask_does_not_import_platform_sdks():
    code = (
        "import sys, app; app.main(['ask', '--json', 'can i text a student']); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('slack_bolt', 'slack_sdk', "
        "'botbuilder', 'aiohttp', 'sqlite_utils')]; print('IMPORTED', bad)"
    )
    import subprocess
    import sys

    from tests.conftest import ROOT

    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=60)
    assert b"IMPORTED []" in proc.stdout, proc.stdout + proc.stderr
