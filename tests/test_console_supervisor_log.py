"""The console's supervisor log (supervisor-channel.log) is a plaintext file: it holds what a
summary-mode channel post holds — who, when, the delay, the commands — never the report text."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.console_notifier import LOG_NAME
from tests.export_support import file_report
from tests.report_support import CONTENT, NEED, PARTY, SUPERVISOR, make_core, say

REASON = "I was on a field trip with no computer until this morning"
FOLLOW_UP = "Called the nurse; the parent picks the student up at 3 pm"


def test_log_holds_no_report_text_in_either_delivery_mode(tmp_path, index):
    for mode in ("full", "summary"):
        folder = tmp_path / mode
        folder.mkdir()
        core = make_core(folder, index, delivery_mode=mode)
        number = file_report(
            core, replace={"20 minutes ago": "30 hours ago\n" + REASON, "skip": FOLLOW_UP}
        )
        core.worker.run_once(datetime.now(UTC))
        say(core, f"ack {number}", user="principal", name="Dr. Principal")
        core.worker.run_once(datetime.now(UTC))
        core.records.close()

        log = (folder / LOG_NAME).read_text(encoding="utf-8")
        assert log.count(f"post to #supervisors key={number}:post:") == 1, mode
        assert "update of" in log and "Acknowledged by Dr. Principal" in log
        assert number in log and "1 day 6 h" in log and SUPERVISOR in log  # the summary's head
        for text in (CONTENT, NEED, PARTY, REASON, FOLLOW_UP, "north gate", "field trip"):
            assert text not in log, (mode, text)
