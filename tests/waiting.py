"""Waiting in tests: for the event expected, never for quiet or a fixed time.

Where the thing awaited gives no signal (another process, a database row), `wait_until` polls
it briefly until it holds, with a timeout generous enough for a busy 2-core machine.
"""

from __future__ import annotations

import time
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
