"""The outbox: a notifier that fails N times then succeeds delivers exactly once; a crash between
posting and recording the post does not duplicate it; retry_after is honoured."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.config import Config
from bot.notify import DeliveryError, Posted
from bot.wiring import build_core
from handlers.console_notifier import LOG_NAME
from handlers.console_surface import ConsoleSurface
from tests.report_support import KEY, REPORT_ANSWERS, make_core, say


class FlakyNotifier:
    """A platform that is down for the first `failures` posts (429 with Retry-After)."""

    platform = "console"

    def __init__(self, failures: int, retry_after: float | None = None) -> None:
        self.failures = failures
        self.retry_after = retry_after
        self.posts: list[str] = []

    def post(self, destination, reply, *, key):
        if self.failures:
            self.failures -= 1
            raise DeliveryError("platform down", retry_after=self.retry_after)
        self.posts.append(key)
        return Posted(ref=f"ts-{len(self.posts)}")

    def update(self, destination, posted, reply):
        pass

    def send_direct(self, user_id, reply):
        pass


def _file_report(core) -> str:
    for line in ["report", *REPORT_ANSWERS]:
        say(core, line)
    return say(core, "submit").split("number ")[1].split(".")[0]


def test_fails_three_times_then_delivers_exactly_once(tmp_path, index):
    core = make_core(tmp_path, index, delivery_retry_seconds=10.0)
    flaky = FlakyNotifier(failures=3)
    core.add_surface(ConsoleSurface(notifier=flaky, destination="#supervisors"))
    number = _file_report(core)
    now = datetime.now(UTC)
    sent = [core.worker.run_once(now + timedelta(seconds=s)) for s in (0, 1, 11, 31, 71, 200, 500)]
    assert sent == [0, 0, 0, 0, 1, 0, 0]  # 10 s, 20 s, 40 s backoff, then sent; never again
    assert flaky.posts == [f"{number}:post:console:#supervisors"]
    assert core.records.reports.get(number).status == "delivered"
    delivered = [e for e in core.records.audit_entries(number) if e.event == "report.delivered"]
    assert len(delivered) == 1 and delivered[0].detail["attempts"] == 4


def test_retry_after_from_the_platform_is_honoured(tmp_path, index):
    core = make_core(tmp_path, index, delivery_retry_seconds=1.0)
    flaky = FlakyNotifier(failures=1, retry_after=120)
    core.add_surface(ConsoleSurface(notifier=flaky, destination="#supervisors"))
    _file_report(core)
    now = datetime.now(UTC)
    assert [core.worker.run_once(now + timedelta(seconds=s)) for s in (0, 60, 119, 121)] == [
        0,
        0,
        0,
        1,
    ]


def test_console_log_that_cannot_be_written_is_retried_and_written_once(tmp_path, index):
    core = make_core(tmp_path, index, delivery_retry_seconds=1.0)
    log = tmp_path / LOG_NAME
    log.mkdir()  # the supervisor log is unwritable: every post fails with DeliveryError
    number = _file_report(core)
    now = datetime.now(UTC)
    assert core.worker.run_once(now) == 0
    assert core.worker.run_once(now + timedelta(seconds=5)) == 0
    log.rmdir()
    assert core.worker.run_once(now + timedelta(seconds=60)) == 1
    assert log.read_text().count(f"key={number}:post:") == 1


def test_crash_after_posting_does_not_post_twice(tmp_path, index):
    """The post reached the log but the process died before the outbox recorded it."""
    core = make_core(tmp_path, index)
    number = _file_report(core)
    item = core.records.outbox.due(datetime.now(UTC), platforms=("console",))[0]
    notifier = core.worker.routes["console"].notifier
    notifier.post(
        item.destination, core.worker.cards.card(core.records.reports.get(number)), key=item.key
    )
    core.records.close()

    again = make_core(tmp_path, index)  # restart: the outbox still lists the post as pending
    assert again.worker.run_once(datetime.now(UTC)) == 1
    assert (tmp_path / LOG_NAME).read_text().count(f"key={item.key}") == 1


class _DeliveringSurface:
    """Just enough of a surface for delivery: named after its notifier's platform."""

    def __init__(self, notifier, destination: str) -> None:
        self.name = notifier.platform
        self.notifier = notifier
        self.destination = destination

    def may_acknowledge(self, incoming) -> bool:
        return False


def _core_with(tmp_path, index, notifier, destination: str):
    config = replace(Config(), database_path=tmp_path / "edc.sqlite3", encryption_key=KEY)
    core = build_core(config, index=index)
    core.add_surface(_DeliveringSurface(notifier, destination))
    return core


def test_a_report_filed_before_the_channel_was_configured_goes_to_it_once_it_is(tmp_path, index):
    unconfigured = FlakyNotifier(0)
    core = _core_with(tmp_path, index, unconfigured, "")  # no supervisor channel set yet
    number = _file_report(core)
    assert core.worker.run_once(datetime.now(UTC)) == 0 and unconfigured.posts == []
    core.records.close()

    configured = FlakyNotifier(0)  # the admin sets the channel and restarts
    again = _core_with(tmp_path, index, configured, "C-SUPERVISORS")
    assert again.worker.run_once(datetime.now(UTC) + timedelta(hours=1)) == 1
    assert len(configured.posts) == 1 and number in configured.posts[0]


def test_a_process_without_a_platform_leaves_its_deliveries_alone(tmp_path, index):
    core = make_core(tmp_path, index)
    _file_report(core)  # queued for the console route
    core.records.close()

    slack_only = FlakyNotifier(0)
    slack_only.platform = "slack"
    other = _core_with(tmp_path, index, slack_only, "C1")
    assert other.worker.run_once(datetime.now(UTC)) == 0
    assert other.records.outbox.due(datetime.now(UTC), platforms=("console",))  # still pending
