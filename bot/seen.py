"""Remember what was already handled, so a platform's redelivery or a double click runs once.

Platforms re-send what they think was not received (Slack: the same event ID after 3 seconds
without a 200; Teams: the same activity ID after about 15 seconds). Kept in memory: redeliveries
come within minutes, and a restart in between is rare enough that answering a question twice
then is acceptable (a dialog step is additionally guarded: each answer is saved before the next
question is asked, and a report is filed once per draft).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class Seen:
    """A thread-safe set of keys that forgets each key after its time to live."""

    def __init__(self, *, max_items: int = 50_000, clock: Callable[[], float] = time.monotonic):
        self._max = max_items
        self._clock = clock
        self._expires: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, key: str, ttl: float) -> bool:
        """True the first time `key` is offered within `ttl` seconds; False for a repeat."""
        now = self._clock()
        with self._lock:
            expires = self._expires.get(key)
            if expires is not None and expires > now:
                return False
            self._expires[key] = now + ttl
            self._expires.move_to_end(key)
            while len(self._expires) > self._max:
                self._expires.popitem(last=False)
            return True

    def __len__(self) -> int:
        return len(self._expires)
