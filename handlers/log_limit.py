"""A log line repeated under attack is written a few times a minute, then counted.

A flood of bad requests (or of connections) would otherwise write one line each: tens of
thousands of lines hide what matters and fill the disk. Lines are grouped by logger and message
template (the text before its %-arguments are filled in), so "refused a request from %s" is one
group whatever the address.
"""

from __future__ import annotations

import logging
import threading
import time

PER_WINDOW = 5
WINDOW_SECONDS = 60.0


class RepeatLimit(logging.Filter):
    def __init__(self, *, per_window: int = PER_WINDOW, window: float = WINDOW_SECONDS) -> None:
        super().__init__()
        self.per_window = per_window
        self.window = window
        self._groups: dict[tuple[str, str], list] = {}  # key → [window start, count, suppressed]
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        with self._lock:
            group = self._groups.setdefault(key, [now, 0, 0])
            if now - group[0] > self.window:
                suppressed = group[2]
                group[:] = [now, 0, 0]
                if suppressed:
                    record.msg = f"{record.msg} [and {suppressed} more like it before]"
            group[1] += 1
            if group[1] <= self.per_window:
                if group[1] == self.per_window:
                    record.msg = f"{record.msg} [repeats: not logged again for a while]"
                return True
            group[2] += 1
            if len(self._groups) > 10_000:  # bounded memory, whatever the variety of messages
                self._groups.clear()
            return False


def limit_repeated_logs() -> None:
    """Install the limit on the root logger's handlers (idempotent)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RepeatLimit) for f in handler.filters):
            handler.addFilter(RepeatLimit())
