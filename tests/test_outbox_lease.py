"""Exactly once across processes and replays: two `python app.py serve` on one database post
every report once; a process killed -9 while holding a delivery loses it to another once its
lease runs out; a post Slack stored but answered with an error is not posted again when the
channel's history can't be read (it is held for a person, and the missing scope is reported);
a replayed "fill in as a form" submission files nothing and posts nothing new."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from slack_sdk import WebClient

from bot.config import Config
from bot.records import Records
from bot.records.models import Submission
from bot.wiring import build_core
from handlers.slack.notifier import SlackNotifier
from tests.conftest import ROOT, run_app
from tests.report_support import KEY, REPORT_ANSWERS, say
from tests.slack_support import (
    BOT_TOKEN,
    FORM,
    SIGNING_SECRET,
    SUPERVISOR_CHANNEL,
    Call,
    FakeSlack,
    LoopThread,
    post,
    serve_app,
    stop_app,
    view_submission,
)
from tests.waiting import wait_for, wait_for_health

TIMEOUT = 60.0


class ScriptedSlack(FakeSlack):
    """The fake Web API, plus two faults: chat.postMessage that hangs (the poster is killed
    mid-call), and chat.postMessage that stores the message but answers 500."""

    def __init__(self, loop: LoopThread) -> None:
        super().__init__(loop)
        self.hang_posts = 0
        self.store_then_fail = 0
        self.post_delay = 0.0  # seconds Slack takes to answer chat.postMessage
        self.post_times: list[float] = []
        self._release = loop.run(self._event())

    @staticmethod
    async def _event() -> asyncio.Event:
        return asyncio.Event()

    def close(self) -> None:
        self.loop.loop.call_soon_threadsafe(self._release.set)  # let a hung call end
        super().close()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "chat.postMessage":
            self.post_times.append(time.time())
            await asyncio.sleep(self.post_delay)
        if method == "chat.postMessage" and (self.hang_posts or self.store_then_fail):
            params = await self._params(request)
            self._record(Call(method, params, dict(request.headers)))
            if self.hang_posts:
                self.hang_posts -= 1
                await self._release.wait()  # no answer while the poster lives (it is killed)
                return web.Response(status=500, text="too late")
            self.store_then_fail -= 1
            self._answer(method, params)  # Slack stored it ...
            return web.Response(status=500, text="upstream error")  # ... and said it failed
        return await super()._api(request)


def _card_keys(fake: FakeSlack) -> list[str]:
    return [
        ((m.get("metadata") or {}).get("event_payload") or {}).get("key", "")
        for m in fake.history.get(SUPERVISOR_CHANNEL, [])
    ]


def _submission(n: int) -> Submission:
    now = datetime.now(UTC)
    return Submission(
        draft_id=uuid.uuid4().hex,
        form="emergency_call",
        title="Emergency-call report",
        number_prefix="EDC",
        amends="",
        reporter_name=f"Reporter {n}",
        supervisor="Ms Rivera",
        event_at=now - timedelta(minutes=30),
        started_at=now - timedelta(minutes=5),
        fields=(("content", "Content", f"report {n}"),),
        answers={"content": f"report {n}"},
        late_reason="",
        warnings=(),
        policy_revision="test",
        policy_sha256="0" * 64,
    )


def _file(database, count: int) -> list[str]:
    records = Records.open(path=database, key=KEY)
    try:
        return [
            records.reports.submit(
                _submission(n),
                user_key=f"slack:U{n}",
                platform="slack",
                now=datetime.now(UTC),
                destinations=[("slack", SUPERVISOR_CHANNEL)],
            ).number
            for n in range(count)
        ]
    finally:
        records.close()


def _outbox(database) -> dict[str, str]:
    records = Records.open(path=database, key=KEY)
    try:
        rows = records.storage.rows("select key, state from outbox where purpose = 'post'")
        return {r["key"]: r["state"] for r in rows}
    finally:
        records.close()


# ---- real `python app.py serve` processes ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path, fake: FakeSlack, name: str, **extra: str) -> subprocess.Popen:
    return _up(_start(tmp_path, fake, name, **extra))


def _start(tmp_path, fake: FakeSlack, name: str, **extra: str) -> subprocess.Popen:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PORT": str(port),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "SLACK_SUPERVISOR_CHANNEL": SUPERVISOR_CHANNEL,
        "DATABASE_PATH": str(tmp_path / "edc.sqlite3"),
        "EDC_ENCRYPTION_KEY": KEY,
        "EDC_DELIVERY_RETRY_SECONDS": "0.2",
        **extra,
    }
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 — closed with the process
    proc = subprocess.Popen(
        [sys.executable, "app.py", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    proc.log, proc.port = log, port
    return proc


def _up(proc: subprocess.Popen) -> subprocess.Popen:
    base = f"http://127.0.0.1:{proc.port}"
    wait_for_health(base, proc, output=lambda: Path(proc.log.name).read_text(), timeout=TIMEOUT)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    proc.log.close()


@pytest.fixture
def fake():
    loop = LoopThread()
    fake = ScriptedSlack(loop)
    yield fake
    fake.close()
    loop.stop()


def test_two_serve_processes_on_one_database_post_every_report_once(tmp_path, fake):
    database = tmp_path / "edc.sqlite3"
    fake.post_delay = 0.05  # a real round trip: the two workers' passes overlap
    numbers = _file(database, 60)  # waiting when both start (a restart overlap, two replicas)
    first = _start(tmp_path, fake, "first")
    second = _start(tmp_path, fake, "second")
    try:
        _up(first)
        _up(second)
        wait_for(
            lambda: set(_outbox(database).values()) == {"sent"},
            what="every report delivered",
            timeout=TIMEOUT,
        )
    finally:
        _stop(first)
        _stop(second)  # both are gone: nothing more can be posted after this point
    keys = _card_keys(fake)
    assert len(keys) == 60, f"{len(keys) - len(set(keys))} posted twice"
    assert sorted(k.split(":")[0] for k in keys) == sorted(numbers)


def test_a_killed_lease_holder_is_taken_over_and_the_report_posted_once(tmp_path, fake):
    database = tmp_path / "edc.sqlite3"
    fake.hang_posts = 1
    holder = _serve(tmp_path, fake, "holder", EDC_DELIVERY_LEASE_SECONDS="6")
    taker = None
    try:
        [number] = _file(database, 1)
        wait_for(
            lambda: fake.of("chat.postMessage"),
            what="the first process to start posting",
            timeout=TIMEOUT,
        )
        lease_until = _lease_until(database)
        taker = _serve(tmp_path, fake, "taker", EDC_DELIVERY_LEASE_SECONDS="6")
        os.kill(holder.pid, signal.SIGKILL)  # dies holding the lease, mid-call
        holder.wait(10)
        wait_for(
            lambda: set(_outbox(database).values()) == {"sent"},
            what="the take-over",
            timeout=TIMEOUT,
        )
    finally:
        _stop(holder)
        if taker is not None:
            _stop(taker)
    assert [k.split(":")[0] for k in _card_keys(fake)] == [number]
    assert len(fake.post_times) == 2  # the hung attempt, and the take-over's
    assert fake.post_times[1] >= lease_until - 1  # not while the holder's lease was valid


def _lease_until(database) -> float:
    records = Records.open(path=database, key=KEY)
    try:
        [row] = records.storage.rows("select lease_until from outbox where purpose = 'post'")
    finally:
        records.close()
    return datetime.fromisoformat(row["lease_until"]).timestamp()


# ---- no history scope: an ambiguous post is held, not repeated ------------------------------


def _core(tmp_path, index, fake):
    config = replace(
        Config(),
        database_path=tmp_path / "edc.sqlite3",
        encryption_key=KEY,
        delivery_retry_seconds=1.0,
    )
    core = build_core(config, index=index)
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=[])
    core.add_surface(_SlackDelivery(SlackNotifier(client=client), SUPERVISOR_CHANNEL))
    return core


class _SlackDelivery:
    """Only what the core needs of a surface to deliver (bot.wiring.Joins): Slack's notifier."""

    name = "slack"

    def __init__(self, notifier, destination: str) -> None:
        self.notifier, self.destination = notifier, destination

    def may_acknowledge(self, incoming) -> bool:
        return False


def _file_in_chat(core) -> None:
    say(core, "report")
    for answer in REPORT_ANSWERS:
        say(core, answer)
    say(core, "submit")


def test_without_history_an_ambiguous_post_is_held_not_repeated(tmp_path, index, fake, caplog):
    fake.fail("conversations.history", 200, error="missing_scope", times=1000)
    fake.store_then_fail = 3
    core = _core(tmp_path, index, fake)
    problems = core.worker.check_routes()
    assert "slack" in problems and "missing_scope" in problems["slack"][0]
    assert "groups:history" in caplog.text
    _file_in_chat(core)
    now = datetime.now(UTC)
    for minutes in range(0, 60, 5):  # the outbox tries again and again as time passes
        core.worker.run_once(now + timedelta(minutes=minutes))
    assert len(fake.history[SUPERVISOR_CHANNEL]) == 1  # Slack's one stored copy, no more
    [(key, state)] = _outbox(tmp_path / "edc.sqlite3").items()
    assert state == "held"
    health = core.worker.health()
    assert health["status"] == "degraded" and health["held"] == 1
    assert "missing_scope" in health["problems"][0]
    core.close()

    env = {"DATABASE_PATH": str(tmp_path / "edc.sqlite3"), "EDC_ENCRYPTION_KEY": KEY}
    listed = run_app("reports", "deliveries", env=env)
    out = listed.stdout.decode()
    assert listed.returncode == 1 and "held" in out and key in out and "missing_scope" in out
    released = run_app("reports", "deliveries", "--posted", key, env=env)
    assert released.returncode == 0
    assert _outbox(tmp_path / "edc.sqlite3") == {key: "sent"}


def test_with_history_an_ambiguous_post_is_found_not_repeated(tmp_path, index, fake):
    fake.store_then_fail = 1
    core = _core(tmp_path, index, fake)
    _file_in_chat(core)
    now = datetime.now(UTC)
    for minutes in range(0, 30, 5):
        core.worker.run_once(now + timedelta(minutes=minutes))
    assert len(fake.history[SUPERVISOR_CHANNEL]) == 1
    assert set(_outbox(tmp_path / "edc.sqlite3").values()) == {"sent"}
    core.close()


# ---- a replayed form submission -----------------------------------------------------------


def _form_values() -> dict:
    from tests.test_slack_reports import CONTENT, TYPED

    call_time = datetime.now(ZoneInfo("America/New_York")) - timedelta(hours=1)
    yes = {"type": "radio_buttons", "selected_option": {"value": "yes"}}
    return {
        "confidential": yes,
        "emergency": yes,
        "other_way": {"type": "radio_buttons", "selected_option": {"value": "no"}},
        "call_time": {"type": "datetimepicker", "selected_date_time": int(call_time.timestamp())},
        "party_type": {"type": "static_select", "selected_option": {"value": "parent"}},
        "phone": {"type": "static_select", "selected_option": {"value": "personal"}},
        **{k: v for k, v in TYPED.items() if k != "follow_up"},
        "content": CONTENT,
    }


def test_a_replayed_form_submission_files_and_posts_nothing_new(index, tmp_path):
    slack = serve_app(index, database=tmp_path / "edc.sqlite3")
    try:
        slack.action("edc:form.open:2", "report", channel="", response_url="")
        [opened] = slack.fake.wait_for("views.open")
        body = view_submission(_form_values(), opened.params["view"])
        for _ in range(3):  # the same signed request, replayed
            status, answer, _ = post(slack.url, body, content_type=FORM)
            assert status == 200 and answer == ""
        [report] = slack.core.records.reports.find()
        rows = slack.core.records.storage.rows
        wait_for(
            lambda: {r["state"] for r in rows("select state from outbox")} == {"sent"},
            what="the delivery",
            timeout=TIMEOUT,
        )
        slack.core.worker.run_once(datetime.now(UTC))
        assert [k.split(":")[0] for k in _card_keys(slack.fake)] == [report.number]
        slack.idle()
        receipts = [
            c
            for c in slack.fake.of("chat.postMessage")
            if c.params["channel"] != SUPERVISOR_CHANNEL
        ]
        assert len(receipts) == 1 and report.number in json.dumps(receipts[0].params)
        other = _form_values() | {"need": "A different need, typed into a new form, long enough."}
        second_view = {
            **opened.params["view"],
            "private_metadata": json.dumps({"submission": uuid.uuid4().hex}),  # another modal
        }
        status, answer, _ = post(slack.url, view_submission(other, second_view), content_type=FORM)
        assert status == 200 and answer == "", answer
        assert second_view["private_metadata"] != opened.params["view"]["private_metadata"]
        assert len(slack.core.records.reports.find()) == 2  # a new form is a new report
    finally:
        stop_app(slack)


def test_teams_cannot_list_a_channel_so_an_unremembered_post_is_in_doubt(tmp_path):
    from handlers.teams.notifier import TeamsNotifier
    from handlers.teams.references import ReferenceStore

    records = Records.open(path=tmp_path / "edc.sqlite3", key=KEY)
    store = ReferenceStore(storage=records.storage)
    notifier = TeamsNotifier(connector=None, store=store, config=Config())
    assert notifier.find("supervisor", "EDC-2026-0001:post:teams:supervisor") is None
    store.remember_post("EDC-2026-0001:post:teams:supervisor", "conv|activity")
    assert notifier.find("supervisor", "EDC-2026-0001:post:teams:supervisor") == "conv|activity"
    records.close()
