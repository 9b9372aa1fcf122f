"""The per-user queues behind Slack's answers: order per user, a bounded backlog that makes a
new Task wait its turn (first come, first served) instead of piling up, and nothing dropped."""

from __future__ import annotations

import threading

from handlers.slack import work
from handlers.slack.work import UserQueues
from tests.waiting import TIMEOUT, wait_until


def test_one_users_jobs_run_in_order_and_a_failing_one_does_not_stop_the_rest():
    queues = UserQueues(max_workers=4)
    done: list[int] = []

    def job(n: int):
        def run():
            if n == 3:
                raise RuntimeError("boom")
            done.append(n)

        return run

    for n in range(10):
        queues.submit("U1", job(n))
    assert queues.wait_idle(TIMEOUT)
    assert done == [0, 1, 2, 4, 5, 6, 7, 8, 9] and queues.backlog() == 0
    queues.shutdown()
    assert not queues.ready()


def test_a_full_backlog_makes_the_next_task_wait_for_room_then_runs_it():
    queues = UserQueues(max_workers=1, max_backlog=1)
    release, second_ran = threading.Event(), threading.Event()
    queues.submit("U1", lambda: release.wait(TIMEOUT))
    submitter = threading.Thread(target=queues.submit, args=("U2", second_ran.set))
    submitter.start()
    assert wait_until(lambda: len(queues._slots._waiting) == 1), "the second Task did not wait"
    assert submitter.is_alive() and not second_ran.is_set()
    release.set()
    submitter.join(TIMEOUT)
    assert second_ran.wait(TIMEOUT) and queues.wait_idle(TIMEOUT)
    queues.shutdown()


def test_a_task_that_waited_too_long_is_queued_anyway(monkeypatch):
    monkeypatch.setattr(work, "BACKLOG_WAIT", 0.05)
    queues = UserQueues(max_workers=2, max_backlog=1)
    release, second_ran = threading.Event(), threading.Event()
    queues.submit("U1", lambda: release.wait(TIMEOUT))
    queues.submit("U2", second_ran.set)  # no room for 0.05 s: goes over the limit, not lost
    assert second_ran.wait(TIMEOUT)
    release.set()
    assert queues.wait_idle(TIMEOUT)
    queues.shutdown()
