"""Clear failure, nothing lost: the database is found wherever a command is run from; a database
that holds records is never given a new key; every bad path, key or file is one line, no
traceback, in `reports …`, `chat` and `serve`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config import PROJECT_ROOT, load_config
from tests.conftest import ROOT
from tests.report_support import REPORT_ANSWERS, chat_env


def _run(*args: str, env: dict, cwd: Path = ROOT, stdin: str = "", timeout: float = 60):
    full_env = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), **env}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        cwd=cwd,
        input=stdin.encode(),
        capture_output=True,
        env=full_env,
        timeout=timeout,
    )


def _file_one_report(env: dict, cwd: Path = ROOT) -> None:
    lines = ["report", *REPORT_ANSWERS, "submit"]
    proc = _run("chat", env=env, cwd=cwd, stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr.decode()


def _one_line_error(proc, *needles: str) -> str:
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert "Traceback" not in err and "Traceback" not in proc.stdout.decode()
    lines = [line for line in err.splitlines() if line.strip() and " INFO " not in line]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_the_default_database_is_the_projects_not_the_current_directorys():
    assert load_config({}, env_file=None).database_path == PROJECT_ROOT / "data" / "edc.sqlite3"
    relative = load_config({"DATABASE_PATH": "records/x.sqlite3"}, env_file=None)
    assert relative.database_path == PROJECT_ROOT / "records" / "x.sqlite3"


def test_a_relative_database_path_reads_the_same_database_from_any_directory(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "other").mkdir()
    relative = os.path.relpath(tmp_path / "db" / "edc.sqlite3", ROOT)
    env = {"DATABASE_PATH": relative}
    _file_one_report(env, cwd=tmp_path / "elsewhere")
    proc = _run("reports", "list", env=env, cwd=tmp_path / "other")
    assert proc.returncode == 0 and "EDC-" in proc.stdout.decode(), proc.stderr.decode()
    assert not (tmp_path / "other" / relative).exists()


def test_reports_on_a_missing_database_creates_nothing(tmp_path):
    env = {"DATABASE_PATH": str(tmp_path / "none" / "edc.sqlite3")}
    proc = _run("reports", "list", env=env)
    _one_line_error(proc, "no database", str(tmp_path / "none" / "edc.sqlite3"))
    assert not (tmp_path / "none").exists()


def test_a_missing_key_file_is_refused_and_never_replaced(tmp_path):
    env = {"DATABASE_PATH": str(tmp_path / "edc.sqlite3")}  # the key file beside it
    _file_one_report(env)
    key_file = tmp_path / "edc.key"
    key_file.rename(tmp_path / "moved.key")
    for command in (("reports", "show", "EDC-2026-0001"), ("reports", "list")):
        line = _one_line_error(_run(*command, env=env), str(key_file), "EDC_ENCRYPTION_KEY")
        assert "no new key" in line
        assert not key_file.exists()
    _one_line_error(_run("chat", env=env, stdin="help\n"), str(key_file))
    assert not key_file.exists()
    (tmp_path / "moved.key").rename(key_file)
    proc = _run("reports", "list", env=env)
    assert proc.returncode == 0 and "EDC-" in proc.stdout.decode()


def test_a_new_key_only_for_a_brand_new_database(tmp_path):
    env = {"DATABASE_PATH": str(tmp_path / "edc.sqlite3")}
    _file_one_report(env)
    assert (tmp_path / "edc.key").stat().st_mode & 0o077 == 0


def _bad_paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "plain-file").write_text("not a directory")
    (tmp_path / "text.sqlite3").write_text("hello, I am not a database\n" * 200)
    return {
        "directory": (tmp_path / "a-directory", "directory"),
        "parent is a file": (tmp_path / "plain-file" / "edc.sqlite3", "plain-file"),
        "not sqlite": (tmp_path / "text.sqlite3", "text.sqlite3"),
    }


@pytest.mark.parametrize("kind", ["directory", "parent is a file", "not sqlite"])
def test_bad_database_paths_are_one_line_everywhere(tmp_path, kind):
    path, needle = _bad_paths(tmp_path)[kind]
    env = {"DATABASE_PATH": str(path), "EDC_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    _one_line_error(_run("reports", "list", env=env), needle)
    _one_line_error(_run("chat", env=env, stdin="help\n"), needle)
    serve_env = {**env, "PORT": "0", "MicrosoftAppId": "", "SLACK_BOT_TOKEN": ""}
    _one_line_error(_run("serve", env=serve_env), needle)


def test_a_damaged_database_file_is_one_line(tmp_path):
    env = chat_env(tmp_path)
    _file_one_report(env)
    path = tmp_path / "edc.sqlite3"
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(4096 - 100)  # the schema page is garbage now
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"edc.sqlite3{suffix}").unlink(missing_ok=True)
    _one_line_error(_run("reports", "list", env=env), str(path))
    _one_line_error(_run("chat", env=env, stdin="help\n"), str(path))


@pytest.mark.parametrize(
    "key", ["short", "x" * 44, Fernet.generate_key().decode()[:-2], "ünïcode-key"]
)
def test_malformed_keys_are_one_line(tmp_path, key):
    env = {"DATABASE_PATH": str(tmp_path / "edc.sqlite3"), "EDC_ENCRYPTION_KEY": key}
    _one_line_error(_run("chat", env=env, stdin="help\n"), "EDC_ENCRYPTION_KEY")
    (tmp_path / "edc.key").write_text(key + "\n")
    (tmp_path / "edc.key").chmod(0o600)
    del env["EDC_ENCRYPTION_KEY"]
    _one_line_error(_run("chat", env=env, stdin="help\n"), "edc.key")


def test_the_wrong_key_for_the_data_is_one_line(tmp_path):
    env = chat_env(tmp_path)
    _file_one_report(env)
    wrong = {**env, "EDC_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    _one_line_error(_run("reports", "list", env=wrong), "does not match")
    _one_line_error(_run("chat", env=wrong, stdin="help\n"), "does not match")
