"""The pipe that carries Tasks to the Slack answer worker: order kept, nothing lost while the
reader lives, and a flush never waits for the reader (the event loop calls it)."""

from __future__ import annotations

import os
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.slack.task_pipe import TaskPipe, read_tasks


def _pipe():
    read_fd, write_fd = os.pipe()
    return TaskPipe(write_fd), os.fdopen(read_fd, "rb")


def _read_all(stream, into: list) -> threading.Thread:
    thread = threading.Thread(target=lambda: into.extend(read_tasks(stream)), daemon=True)
    thread.start()
    return thread


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.booleans()), max_size=60))
def test_items_arrive_once_in_the_order_they_were_put(steps):
    pipe, stream = _pipe()
    received: list = []
    reader = _read_all(stream, received)
    for item, flush_now in steps:
        pipe.put(item)
        if flush_now:
            pipe.flush()
    pipe.close()
    reader.join(10)
    assert received == [item for item, _ in steps]


def test_flush_does_not_wait_for_a_reader_that_is_behind():
    pipe, stream = _pipe()
    items = [("task", n, "x" * 200) for n in range(2000)]  # ~0.5 MB: far more than a pipe holds

    def put_and_flush():
        for item in items:
            pipe.put(item)
            pipe.flush()

    writer = threading.Thread(target=put_and_flush, daemon=True)
    writer.start()
    writer.join(10)
    assert not writer.is_alive(), "flush blocked on a full pipe"
    received: list = []
    reader = _read_all(stream, received)  # the reader catches up: the backlog drains in order
    pipe.close(timeout=10)
    reader.join(10)
    assert received == items


def test_a_vanished_reader_loses_the_pending_items_but_never_raises():
    pipe, stream = _pipe()
    stream.close()
    pipe.put("lost")
    pipe.flush()
    pipe.put("also lost")
    pipe.flush()
    pipe.close(timeout=1)
    assert pipe._broken


def test_close_sends_what_was_put_but_not_flushed():
    pipe, stream = _pipe()
    received: list = []
    reader = _read_all(stream, received)
    pipe.put({"kind": "answer"})
    pipe.put(None)
    pipe.close()
    reader.join(10)
    assert received == [{"kind": "answer"}, None]


def test_a_truncated_frame_ends_the_stream_instead_of_inventing_items(tmp_path):
    pipe, stream = _pipe()
    pipe.put("whole")
    pipe.close()
    data = stream.read()
    cut = tmp_path / "cut"
    cut.write_bytes(data[:-3])
    with open(cut, "rb") as truncated:
        assert list(read_tasks(truncated)) == []
    with open(tmp_path / "cut", "wb") as whole:
        whole.write(data)
    with open(tmp_path / "cut", "rb") as again:
        assert list(read_tasks(again)) == ["whole"]
