"""The answer worker: a second, lower-priority process that does the work after each Slack ack.

Why a process: an answer costs about half a millisecond of Python (the lookup, rendering, the
post to Slack). In the process that acks, that work shares the interpreter lock with the acks,
so under load the acks wait behind answers (make bench: half the throughput of an app that only
acks). In its own process, at a lower scheduling priority, the answers use what the acks leave:
Slack's 3-second promise holds whatever the load, and the answers follow as fast as the machine
allows. Per-user order is kept by the same per-user queues, inside the worker.

The worker opens the same database (SQLite in WAL mode; transactions take the write lock up
front) with its own core. The delivery worker stays in the serving process; the answer worker
wakes it when it queued something in the outbox (a filed report, an acknowledgement). Tasks not
yet done when the worker dies are lost, as a thread's are when a process dies — what a user had
already answered is in the database, so a dialog resumes where it was; the server starts a new
worker within a second and says so in its log.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading

log = logging.getLogger(__name__)

NICENESS = 10  # how much lower than the serving process the worker runs
WATCH_SECONDS = 1.0
STOP = None  # the sentinel that ends the worker


class ProcessRunner:
    """Hands Tasks to the answer worker process; starts it, and starts it again if it dies."""

    def __init__(self, *, config, on_wake=lambda: None) -> None:
        """`on_wake`: called when the worker queued something in the outbox (a filed report,
        an acknowledgement), so the server's delivery worker sends it now."""
        self._config = config
        self._on_wake = on_wake
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._closing = threading.Event()
        self._process = self._start()
        for target, name in ((self._watch, "watch"), (self._relay_wakes, "wakes")):
            threading.Thread(target=target, name=f"edc-slack-worker-{name}", daemon=True).start()

    def submit(self, task) -> None:
        self._tasks.put(task)

    def close(self, timeout: float = 10.0) -> None:
        """Let the worker finish what it was given, then stop it."""
        self._closing.set()
        self._tasks.put(STOP)
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)

    def _start(self):
        # New queues for every worker: one killed while waiting on a queue leaves its lock held.
        # (A queue, pickled and written by its own feeder thread, measured cheaper for the acks
        # than writing a pipe from each listener thread under a lock.)
        self._tasks = self._context.Queue()
        self._wakes = self._context.Queue()
        process = self._context.Process(target=worker_main, args=(self._config, self._tasks, self._wakes),
                                        name="edc-slack-answers", daemon=True)  # fmt: skip
        process.start()
        return process

    def _watch(self) -> None:
        while not self._closing.wait(WATCH_SECONDS):
            if not self._process.is_alive() and not self._closing.is_set():
                log.error("the Slack answer worker stopped (exit code %s); starting a new one",
                          self._process.exitcode)  # fmt: skip
                self._process = self._start()

    def _relay_wakes(self) -> None:
        while not self._closing.is_set():
            try:
                self._wakes.get(timeout=WATCH_SECONDS)
            except queue.Empty:
                continue
            self._on_wake()


def worker_main(config, tasks, wakes) -> None:
    """The worker process: its own core and Slack client; runs Tasks until told to stop."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s [answers]: %(message)s")  # fmt: skip
    try:
        os.nice(NICENESS)
    except OSError:  # not permitted here: run at the same priority rather than not at all
        log.warning("could not lower the answer worker's priority")
    from bot.wiring import build_core
    from handlers.slack.bolt_app import build_slack, slack_supervisor_check

    core = build_core(config, can_acknowledge=slack_supervisor_check(config))
    adapter = build_slack(config, core.bot, core=core)  # runs Tasks in this process
    # The route tells the report dialog where reports go; the delivery itself is the server's,
    # woken through `wakes` whenever something was queued here.
    core.add_route(adapter.notifier, config.slack_supervisor_channel)
    core.reports.wake = lambda: wakes.put(True)
    try:
        while (task := tasks.get()) is not STOP:
            adapter.runner.submit(task)
    finally:
        adapter.runner.wait_idle(10)
        adapter.close()
        core.records.close()
