"""The slow part of a request, after the ack: what a Task does, and one queue per user to run it.

Answers run in the serving process, on a small thread pool, while Bolt's listener has already
acked. Per-user order matters: two quick messages from one person must reach the core in the
order they were typed (the second may be the answer to the question the first one triggered),
while different people never wait for each other.

The backlog is bounded. When more answers wait than the pool can start (a saturating burst),
a new Task waits — at most `BACKLOG_WAIT` seconds, well inside Slack's 3-second window — for
room before the listener returns: the ack slows down a little instead of answers piling up
minutes behind the acks (make bench measures both). Nothing is dropped: after the wait the Task
is queued anyway.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_sdk.errors import SlackApiError

from bot import strings as core_strings
from bot.engine import Bot
from bot.incidents import log_incident
from handlers.slack.home import home_view
from handlers.slack.inbound import Origin
from handlers.slack.replies import Replier
from handlers.slack.tasks import Task

log = logging.getLogger(__name__)

WORKERS = 4  # threads that answer: the lookup is CPU-bound, the post to Slack mostly waiting
BACKLOG_PER_WORKER = 4  # Tasks queued or running per worker before a new one waits for room
BACKLOG_WAIT = 2.0  # seconds a listener waits for room at most (Slack's ack window is 3 s)


class UserQueues:
    """Jobs run on a thread pool, in order per user, with a bounded backlog."""

    def __init__(self, *, max_workers: int = WORKERS, max_backlog: int | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="edc-slack")
        self._queues: dict[str, deque[Callable[[], None]]] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._slots = _Slots(max_backlog or max_workers * BACKLOG_PER_WORKER)
        self._jobs = 0  # queued or running
        self._closed = False

    def submit(self, user: str, job: Callable[[], None]) -> None:
        self._slots.take(BACKLOG_WAIT)
        with self._lock:
            self._jobs += 1
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
            except Exception:  # keep the queue alive; the incident id is in the log
                log_incident(log, "in a Slack background job")
            finally:
                with self._lock:
                    self._jobs -= 1
                self._slots.give_back()

    def ready(self) -> bool:
        """Whether jobs submitted now will run (False once shut down)."""
        return not self._closed

    def backlog(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return self._jobs

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until no job is queued or running (tests, shutdown)."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._queues, timeout)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=False)


class _Slots:
    """A counting semaphore that hands freed slots to waiters first come, first served (a plain
    Condition wakes them in no order, and the unlucky one waits for several answers)."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    def take(self, timeout: float) -> None:
        """Take a slot, waiting up to `timeout` seconds in line; then take one anyway."""
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return
        with self._lock:
            if not turn.is_set():  # not handed one meanwhile: go over the limit, lose nothing
                self._waiting.remove(turn)
                self._free -= 1

    def give_back(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # the slot passes straight to the next in line
            else:
                self._free += 1


class SlackWork:
    """Runs one Task: asks the core, sends the replies the Slack way."""

    def __init__(
        self,
        *,
        bot: Bot,
        replier: Replier,
        home_data=None,
        forms: bool = False,
    ) -> None:
        self.bot = bot
        self.replier = replier
        self.home_data = home_data  # callable(user_id) -> (drafts, reports), when records exist
        self.forms = forms  # whether Home offers "Fill in as a form"

    def run(self, task: Task) -> None:
        """Do `task`. Should anything fail, the user still hears back: a plain apology with the
        incident id that is in the log (what they had typed is saved by the core)."""
        try:
            self._run(task)
        except Exception:
            incident = log_incident(log, "in a Slack %s task", task.kind)
            if task.origin is not None:
                self.replier.note(task.origin, core_strings.ERROR.format(incident=incident))

    def _run(self, task: Task) -> None:
        if task.kind == "answer":
            self._answer(task.incoming, task.origin)
        elif task.kind == "home":
            self.publish_home(task.user)
        elif task.kind == "note":
            self.replier.note(task.origin, task.text)
        elif task.kind == "dm":
            for reply in task.replies:
                self.replier.to_dm(task.user, reply)

    def _answer(self, incoming, origin: Origin) -> None:
        if origin.kind == "dm":
            self.replier.dms.remember(origin.user_id, origin.channel_id)
        # /edc typed in the DM with the bot is private; in a DM between people it is not.
        if (
            origin.kind == "command"
            and origin.channel_id.startswith("D")
            and self._is_bot_dm(origin)
        ):
            origin = dataclasses.replace(origin, in_dm=True)
            incoming = dataclasses.replace(incoming, is_private=True)
        if origin.in_dm and origin.kind != "dm":
            dm = self.replier.dms.channel_for(origin.user_id)
            incoming = dataclasses.replace(incoming, conversation_id=dm)
        replies = self.bot.handle(incoming)
        self.replier.send(origin, replies)

    def publish_home(self, user: str) -> None:
        drafts, reports = self.home_data(user) if self.home_data else ([], [])
        view = home_view(
            drafts=drafts,
            reports=reports,
            forms=self.forms,
            policy=self.bot.policy,
            bundle=self.bot.bundle,
        )
        try:
            self.replier.client.views_publish(user_id=user, view=view)
        except SlackApiError as exc:
            log.warning("could not publish App Home for %s: %s", user, exc.response.get("error"))

    def _is_bot_dm(self, origin: Origin) -> bool:
        try:
            return self.replier.dms.channel_for(origin.user_id) == origin.channel_id
        except SlackApiError:
            return False


class TaskRunner:
    """Runs Tasks in this process, on the per-user queues."""

    def __init__(self, *, work: SlackWork, queues: UserQueues) -> None:
        self.work = work
        self.queues = queues

    def submit(self, task: Task) -> None:
        self.queues.submit(task.user, lambda: self.work.run(task))

    def ready(self) -> bool:
        return self.queues.ready()

    def backlog(self) -> int:
        return self.queues.backlog()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        return self.queues.wait_idle(timeout)

    def close(self) -> None:
        self.queues.shutdown()
