"""Waiting in tests: for the event expected, never for quiet or a fixed time.

Where the thing awaited gives no signal (another process, a database row), `wait_until` polls
it briefly until it holds, with a timeout generous enough for a busy 2-core machine.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Callable

import pytest

TIMEOUT = 30.0


def wait_until(condition: Callable[[], object], *, timeout: float = TIMEOUT) -> bool:
    """True as soon as `condition()` holds; False if it still doesn't after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def wait_for(condition: Callable[[], object], *, what: str, timeout: float = TIMEOUT) -> None:
    """Like `wait_until`, but the test fails (naming `what`) when it never holds."""
    if not wait_until(condition, timeout=timeout):
        pytest.fail(f"timed out waiting for {what}")


def wait_for_health(
    base: str, proc: subprocess.Popen, *, output: Callable[[], str], timeout: float = TIMEOUT
) -> dict:
    """GET `base`/healthz until the server `proc` answers 200; its JSON. The test fails with the
    server's `output()` if it exits first, or (after killing it) if it never answers."""
    health: dict = {}

    def answered() -> bool:
        nonlocal health
        if proc.poll() is not None:
            pytest.fail(output())
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                health = json.loads(response.read())
        except (OSError, ValueError):
            return False
        return True

    if not wait_until(answered, timeout=timeout):
        proc.kill()
        pytest.fail("app.py serve did not come up:\n" + output())
    return health
