"""A one-way pipe that carries Tasks to the answer worker in batches, without costing the acks.

Measured (bench/slack_bench.py) before this was written: handing each Task to a
`multiprocessing.Queue` took a fifth of the serving process's throughput. The Queue pickles and
writes every object on its own and wakes its feeder thread for each; in a process whose threads
all want the interpreter lock, those wake-ups are what costs. So here:

- `put` (any thread, inside a Bolt listener) only appends to a deque: no lock, no system call,
  nobody woken.
- `flush` is called by the HTTP server on its event loop thread after each Slack request — a
  thread that is awake anyway. It pickles everything pending as one batch and writes it without
  blocking. Only when the pipe is full (the worker is behind) does what is left go to a writer
  thread that waits until the pipe drains; the event loop never waits for the worker.

A frame is a 4-byte big-endian length and a pickled list. Order is kept: one byte stream,
written under one lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import struct
import threading
from collections import deque
from collections.abc import Iterator
from typing import BinaryIO

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!I")


class TaskPipe:
    """The writing end. `fd` is the pipe's write end; the TaskPipe owns and closes it."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self._pending: deque = deque()
        self._lock = threading.Lock()
        self._backlog = bytearray()  # frames the pipe had no room for yet
        self._backlog_ready = threading.Condition(self._lock)
        self._broken = False
        self._closed = False
        threading.Thread(target=self._write_backlog, name="edc-task-pipe", daemon=True).start()

    def put(self, item) -> None:
        """Queue `item`; it leaves at the next `flush`."""
        self._pending.append(item)

    def flush(self) -> None:
        """Send everything queued, without blocking."""
        if not self._pending:
            return
        with self._lock:
            batch = [self._pending.popleft() for _ in range(len(self._pending))]
            if self._broken or self._closed:
                return
            data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
            frame = _HEADER.pack(len(data)) + data
            if self._backlog:
                self._backlog += frame
                return
            written = self._write(frame)
            if written < len(frame):
                self._backlog += frame[written:]
                self._backlog_ready.notify()

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued (waiting up to `timeout` seconds for room), then close."""
        self.flush()
        with self._lock:
            self._backlog_ready.wait_for(lambda: not self._backlog or self._broken, timeout)
            self._closed = True
            self._backlog_ready.notify()
            os.close(self._fd)

    def _write(self, data: bytes | bytearray) -> int:
        """Write what fits now (called under the lock); a vanished reader breaks the pipe."""
        try:
            return os.write(self._fd, data)
        except BlockingIOError:
            return 0
        except OSError:  # the reader is gone: what was queued is lost with it
            self._broken = True
            self._backlog.clear()
            log.warning("the answer worker is gone; tasks not handed over are lost")
            return len(data)

    def _write_backlog(self) -> None:
        """Wait for room in the pipe and write the backlog (only when the worker is behind)."""
        while True:
            with self._lock:
                self._backlog_ready.wait_for(lambda: self._backlog or self._closed)
                if self._closed:
                    return
                fd = self._fd
            # Closed meanwhile (OSError, ValueError): the check below ends the loop.
            with contextlib.suppress(OSError, ValueError):
                select.select([], [fd], [], 1.0)
            with self._lock:
                if self._closed:
                    return
                del self._backlog[: self._write(self._backlog)]
                if not self._backlog:
                    self._backlog_ready.notify_all()


def read_tasks(stream: BinaryIO) -> Iterator:
    """Yield the items written by a TaskPipe, in order, until the writing end closes."""
    while header := stream.read(_HEADER.size):
        if len(header) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(header)
        data = stream.read(size)
        if len(data) < size:
            return
        yield from pickle.loads(data)
