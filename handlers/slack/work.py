"""Run the slow part of a request after the ack: one queue per user, on a shared thread pool.

Per-user order matters: two quick messages from one person must reach the core in the order
they were typed (the second may be the answer to the question the first one triggered), while
different people never wait for each other.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)


class UserQueues:
    def __init__(self, *, max_workers: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="edc-slack")
        self._queues: dict[str, deque[Callable[[], None]]] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def submit(self, user: str, job: Callable[[], None]) -> None:
        with self._lock:
            queue = self._queues.get(user)
            if queue is not None:
                queue.append(job)
                return
            self._queues[user] = deque([job])
        self._pool.submit(self._drain, user)

    def _drain(self, user: str) -> None:
        while True:
            with self._lock:
                queue = self._queues[user]
                if not queue:
                    del self._queues[user]
                    self._idle.notify_all()
                    return
                job = queue.popleft()
            try:
                job()
            except Exception:  # a job's own error boundary failed; keep the queue alive
                log.exception("incident %s in a Slack background job", uuid.uuid4().hex[:8])

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no job is queued or running (tests, shutdown)."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._queues, timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
