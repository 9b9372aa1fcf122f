"""Shared fixtures: the real policy and the real index, built once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.bundle import load_bundle
from knowledge.policy import load_policy, normalise_space
from knowledge.search import build_index

ROOT = Path(__file__).resolve().parent.parent
# Published material, vendored with its source noted in vendor/README.md (the policy text is in
# its bundle, policies/edc, with its source in bundle.yml).
VENDOR = ROOT / "vendor"
BUNDLES = tuple(sorted(p.parent for p in (ROOT / "policies").glob("*/bundle.yml")))


@pytest.fixture(scope="session")
def bundle():
    """The default policy bundle (EDC)."""
    return load_bundle()


@pytest.fixture(scope="session")
def policy():
    return load_policy()


@pytest.fixture(scope="session")
def index():
    return build_index()


@pytest.fixture(scope="session")
def policy_text(policy) -> str:
    """The whitespace-normalised policy text every quotation must be a substring of."""
    return normalise_space(policy.full_text)


def run_app(*args: str, stdin: bytes | str = b"", env: dict | None = None, timeout: float = 60):
    """Run `python app.py ARGS` as a user would, in a clean environment of our choosing."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    full_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=ROOT,
        input=data,
        capture_output=True,
        env=full_env,
        timeout=timeout,
    )
