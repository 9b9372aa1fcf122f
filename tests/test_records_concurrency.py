"""Two connections to one database (a server and the `reports` CLI) never fail each other."""

import threading
import time

from bot.records.database import open_storage


def test_read_then_write_transactions_wait_for_each_other(tmp_path):
    path = tmp_path / "edc.sqlite3"
    first = open_storage(path)
    second = open_storage(path)
    errors: list[BaseException] = []
    inside = threading.Event()

    def slow_read_then_write():
        try:
            with first.transaction() as db:
                list(db.query("select count(*) from meta"))
                inside.set()
                # Hold the read open while the other connection tries to write (should it come
                # later, nothing is decided by this pause: the test holds either way).
                time.sleep(0.3)
                db["meta"].insert({"name": "first", "value": "1"})
        except BaseException as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)

    worker = threading.Thread(target=slow_read_then_write)
    worker.start()
    assert inside.wait(30)
    with second.transaction() as db:
        list(db.query("select count(*) from meta"))
        db["meta"].insert({"name": "second", "value": "2"})
    worker.join(30)
    assert not worker.is_alive() and errors == []
    names = {r["name"] for r in first.rows("select name from meta")}
    assert {"first", "second"} <= names
    first.close()
    second.close()
