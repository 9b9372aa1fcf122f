"""The answer worker: a second, lower-priority process that does the work after each Slack ack.

Why a process: an answer costs about a millisecond of Python (the lookup, rendering, the post
to Slack). In the process that acks, that work shares the interpreter lock with the acks, so
under load the acks wait behind answers (make bench: half the throughput of an app that only
acks). In its own process, scheduled to run only on CPU time the server leaves idle (SCHED_IDLE
on Linux: a waking ack always preempts an answer), the answers use what the acks leave: Slack's
3-second promise holds whatever the load, and the answers follow as fast as the machine allows
(on a machine that is never idle they queue; a response_url stays valid for 30 minutes).
Tasks travel through handlers/slack/task_pipe.py, which costs the acks almost nothing.
Per-user order is kept by the same per-user queues, inside the worker.

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

from handlers.slack.task_pipe import TaskPipe, read_tasks

log = logging.getLogger(__name__)

NICENESS = 19  # where the OS has no SCHED_IDLE: the lowest priority a process can ask for
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
        """Queue `task`; it is handed to the worker at the next `flush`."""
        self._tasks.put(task)

    def flush(self) -> None:
        """Hand the queued Tasks to the worker. The HTTP server calls this on its event loop
        after each Slack request; the watch thread too, every second, as a safety net."""
        self._tasks.flush()

    def close(self, timeout: float = 10.0) -> None:
        """Let the worker finish what it was given, then stop it."""
        self._closing.set()
        self._tasks.put(STOP)
        self._tasks.close()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)

    def _start(self):
        # A new pipe for every worker: one killed mid-read leaves nothing usable behind.
        reader, writer = self._context.Pipe(duplex=False)
        self._wakes = self._context.Queue()
        process = self._context.Process(
            target=worker_main,
            args=(self._config, reader, self._wakes),
            name="edc-slack-answers",
            daemon=True,
        )
        process.start()
        reader.close()  # only the worker reads: when it dies, writing fails instead of waiting
        self._tasks = TaskPipe(os.dup(writer.fileno()))
        writer.close()
        return process

    def _watch(self) -> None:
        while not self._closing.wait(WATCH_SECONDS):
            self.flush()
            if not self._process.is_alive() and not self._closing.is_set():
                log.error(
                    "the Slack answer worker stopped (exit code %s); starting a new one",
                    self._process.exitcode,
                )
                self._tasks.close(timeout=0)
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
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s [answers]: %(message)s"
    )
    run_when_idle("the answer worker")
    from bot.wiring import build_core
    from handlers.slack.bolt_app import build_slack, slack_supervisor_check

    core = build_core(config, can_acknowledge=slack_supervisor_check(config))
    adapter = build_slack(config, core.bot, core=core)  # runs Tasks in this process
    # The route tells the report dialog where reports go; the delivery itself is the server's,
    # woken through `wakes` whenever something was queued here.
    core.add_route(adapter.notifier, config.slack_supervisor_channel)
    core.reports.wake = lambda: wakes.put(True)
    try:
        with open(tasks.fileno(), "rb", closefd=False) as stream:
            for task in read_tasks(stream):
                if task is STOP:
                    break
                adapter.runner.submit(task)
    finally:
        adapter.runner.wait_idle(10)
        adapter.close()
        core.records.close()


def run_when_idle(who: str) -> None:
    """This process takes only CPU time nobody else wants: SCHED_IDLE where the OS has it, else
    nice 19. (Also used by the benchmark's fake Slack.)"""
    try:
        if hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        else:
            os.nice(NICENESS)
    except OSError:  # not permitted here: run at the same priority rather than not at all
        log.warning("could not lower the priority of %s", who)
