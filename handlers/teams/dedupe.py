"""An activity delivered twice is handled once.

The Bot Connector redelivers an activity when the bot is slow to answer (about 15 s) or the
connection drops; the copy has the same activity ID in the same conversation. Remembered in
memory for `ttl` seconds — retries come within a minute, and a restart loses at most the
memory of activities that were already answered.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class SeenActivities:
    def __init__(self, *, ttl: float = 600.0, limit: int = 10_000, clock=time.monotonic) -> None:
        self._ttl, self._limit, self._clock = ttl, limit, clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, conversation_id: str, activity_id: str) -> bool:
        """True the first time this activity is seen (and remembers it); False for a repeat.
        Activities without an ID cannot be matched and always count as new."""
        if not activity_id:
            return True
        key = f"{conversation_id}\n{activity_id}"
        now = self._clock()
        with self._lock:
            while self._seen and (
                len(self._seen) >= self._limit or next(iter(self._seen.values())) < now - self._ttl
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True
