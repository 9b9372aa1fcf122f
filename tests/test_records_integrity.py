"""Tamper-evident records against an insider who can write the database file but has no key:
rewriting an entry and recomputing the (unkeyed) chain, reordering entries, deleting the newest
entries, swapping a report's body and fixing its hash — `reports verify` names each one, and
never crashes on rows it can't make sense of."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.records.audit import REPORT_COLUMNS
from tests.conftest import run_app
from tests.report_support import KEY, REPORT_ANSWERS, chat_env

GENESIS = "0" * 64


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    """Three reports filed and delivered through the console chat, once per module; each test
    gets its own copy of the files (database, witness file, supervisor log)."""
    folder = tmp_path_factory.mktemp("filed")
    lines = []
    for _ in range(3):
        lines += ["report", *REPORT_ANSWERS, "submit"]
    proc = run_app("chat", stdin="\n".join(lines) + "\n", env=chat_env(folder))
    assert proc.returncode == 0, proc.stderr.decode()
    return folder


@pytest.fixture
def db_dir(filed, tmp_path):
    for path in filed.iterdir():
        shutil.copy2(path, tmp_path / path.name)
    return tmp_path


def _verify(tmp_path, *extra: str) -> tuple[int, str]:
    proc = run_app("reports", "verify", *extra, env=chat_env(tmp_path))
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert "Traceback" not in out + err
    return proc.returncode, out


# ---- what an insider with sqlite3 does ------------------------------------------------------


def _db(tmp_path) -> sqlite3.Connection:
    db = sqlite3.connect(tmp_path / "edc.sqlite3")
    db.row_factory = sqlite3.Row
    db.executescript(
        "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;"
        "DROP TRIGGER IF EXISTS reports_no_update; DROP TRIGGER IF EXISTS reports_no_delete;"
    )
    return db


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sha_link(prev: str, row: dict) -> str:
    fields = [row["seq"], row["at"], row["event"], row["subject"], row["actor"], row["detail"]]
    return hashlib.sha256((prev + "\n" + _canonical(fields)).encode()).hexdigest()


def _rechain(db: sqlite3.Connection, *, start: int = 1, end: int = 10**9, prefix: str = "") -> None:
    """Recompute every link from `start` to `end`, the way the old unkeyed chain was computed."""
    prev = GENESIS
    for row in [dict(r) for r in db.execute("select * from audit order by seq")]:
        if start <= row["seq"] <= end:
            row["prev_hash"], row["hash"] = prev, prefix + _sha_link(prev, row)
            db.execute(
                "update audit set prev_hash = ?, hash = ? where seq = ?",
                (row["prev_hash"], row["hash"], row["seq"]),
            )
        prev = row["hash"]
    db.commit()


def _report_hash(row: dict) -> str:
    """The unkeyed digest an insider could recompute over the report's audited columns."""
    return hashlib.sha256(_canonical([row.get(c) for c in REPORT_COLUMNS]).encode()).hexdigest()


# ---- the attacks ----------------------------------------------------------------------------


def test_an_intact_database_verifies(db_dir):
    code, out = _verify(db_dir)
    assert code == 0 and out.startswith("OK:"), out


@pytest.mark.parametrize("prefix", ["", "k1:"])
def test_an_entry_rewritten_with_a_recomputed_chain_is_named(db_dir, prefix):
    db = _db(db_dir)
    db.execute("update audit set actor = 'slack:UINSIDER' where seq = 2")
    _rechain(db, start=2, prefix=prefix)
    db.close()
    code, out = _verify(db_dir)
    assert code == 1
    assert re.search(r"audit entry 2 \(\S+ \S+\) (was edited|is in the old unkeyed format)", out)


def test_a_report_body_swapped_with_its_hash_fixed_is_named(db_dir):
    db = _db(db_dir)
    first = dict(db.execute("select * from reports where number = 'EDC-2026-0001'").fetchone())
    second = dict(db.execute("select * from reports where number = 'EDC-2026-0002'").fetchone())
    second["body"] = first["body"]
    db.execute(
        "update reports set body = ?, row_hash = ? where number = 'EDC-2026-0002'",
        (second["body"], _report_hash(second)),
    )
    db.commit()
    db.close()
    code, out = _verify(db_dir)
    assert code == 1
    assert "report EDC-2026-0002 had its body swapped" in out
    assert "submitted as report EDC-2026-0001" in out


def test_a_report_body_swapped_with_the_audit_rewritten_too_is_caught(db_dir):
    db = _db(db_dir)
    first = dict(db.execute("select * from reports where number = 'EDC-2026-0001'").fetchone())
    second = dict(db.execute("select * from reports where number = 'EDC-2026-0002'").fetchone())
    second["body"] = first["body"]
    new_hash = _report_hash(second)
    db.execute(
        "update reports set body = ?, row_hash = ? where number = 'EDC-2026-0002'",
        (second["body"], new_hash),
    )
    entry = dict(
        db.execute(
            "select * from audit where event = 'report.submitted' and subject = 'EDC-2026-0002'"
        ).fetchone()
    )
    detail = json.loads(entry["detail"])
    detail["row_hash"] = new_hash
    db.execute("update audit set detail = ? where seq = ?", (_canonical(detail), entry["seq"]))
    _rechain(db, start=entry["seq"], prefix="k1:")
    db.close()
    code, out = _verify(db_dir)
    assert code == 1
    assert f"audit entry {entry['seq']} (report.submitted EDC-2026-0002) was edited" in out
    assert "report EDC-2026-0002 cannot be vouched for" in out


def test_reordered_entries_are_named(db_dir):
    db = _db(db_dir)
    a, b = (dict(db.execute("select * from audit where seq = ?", (n,)).fetchone()) for n in (3, 4))
    for target, source in ((3, b), (4, a)):
        db.execute(
            "update audit set at=?, event=?, subject=?, actor=?, detail=?, prev_hash=?, hash=? "
            "where seq = ?",
            (
                *(
                    source[c]
                    for c in ["at", "event", "subject", "actor", "detail", "prev_hash", "hash"]
                ),
                target,
            ),
        )
    db.commit()
    db.close()
    code, out = _verify(db_dir)
    assert code == 1
    assert "audit entry 3" in out and "reordered" in out and "written as entry 4" in out


def test_deleting_the_newest_entries_is_caught_by_the_witness_file(db_dir):
    db = _db(db_dir)
    last = db.execute("select max(seq) from audit").fetchone()[0]
    db.execute("delete from audit where seq > ?", (last - 3,))
    db.commit()
    db.close()
    code, out = _verify(db_dir)
    assert code == 1
    assert f"ends at entry {last - 3}" in out and f"saw entry {last}" in out
    assert f"entries {last - 2}–{last} were deleted" in out


def test_deleting_the_newest_entries_is_caught_by_a_cards_witness_line(db_dir):
    log = (db_dir / "supervisor-channel.log").read_text(encoding="utf-8")
    witnesses = re.findall(r"Audit witness (\d+:[0-9a-f]+)", log)
    assert len(witnesses) == 3  # one on every card posted
    newest = witnesses[-1]
    seq = int(newest.split(":")[0])
    (db_dir / "edc.witness").unlink()  # the insider removes the file witness too
    db = _db(db_dir)
    db.execute("delete from audit where seq >= ?", (seq,))  # the newest report's filing
    db.execute("delete from reports where number = 'EDC-2026-0003'")  # and the report itself
    db.commit()
    db.close()
    code, out = _verify(db_dir)
    assert code == 0 and "witness file" in out, out  # without the card, it can't be seen
    code, out = _verify(db_dir, "--witness", newest)
    assert code == 1 and f"saw entry {seq}" in out and "deleted" in out


def test_a_dropped_audit_log_is_named_not_a_crash(db_dir):
    db = _db(db_dir)
    last = db.execute("select max(seq) from audit").fetchone()[0]
    db.execute("drop table audit")
    db.commit()
    db.close()
    code, out = _verify(db_dir)
    assert code == 1 and "audit" in out
    assert f"entries 1–{last} were deleted" in out


def test_a_card_witness_for_a_replaced_entry_is_named(db_dir):
    log = (db_dir / "supervisor-channel.log").read_text(encoding="utf-8")
    seq, mac = re.findall(r"Audit witness (\d+):([0-9a-f]+)", log)[0]
    code, out = _verify(db_dir, "--witness", f"{seq}:{mac}")
    assert code == 0, out
    forged = f"{seq}:{'0' * len(mac)}"
    code, out = _verify(db_dir, "--witness", forged)
    assert code == 1 and f"audit entry {seq} is not the one" in out


def test_verify_names_garbage_rows_and_never_crashes(db_dir):
    db = _db(db_dir)
    db.execute("update audit set detail = '{not json', hash = '' where seq = 2")
    db.execute(
        "insert into audit (seq, at, event, subject, actor, detail, prev_hash, hash) "
        "values (50, NULL, 'x', NULL, NULL, '[1, 2]', NULL, 'zz')"
    )
    db.execute("update reports set body = 'x', row_hash = ''")
    db.commit()
    db.close()
    code, out = _verify(db_dir)
    assert code == 1
    assert "audit entry 2" in out and "EDC-2026-0001" in out


def test_a_legacy_unkeyed_chain_is_keyed_from_a_marked_point(db_dir):
    (db_dir / "edc.witness").unlink()
    db = _db(db_dir)
    _rechain(db)  # the whole chain as the old version wrote it: no keyed entries at all
    legacy = db.execute("select max(seq) from audit").fetchone()[0]
    db.close()
    code, out = _verify(db_dir)  # opening keys it: an audit.keyed entry after the legacy part
    assert code == 0, out
    assert f"{legacy} audit entries predate the keyed chain" in out
    db = _db(db_dir)
    marked = dict(db.execute("select * from audit where event = 'audit.keyed'").fetchone())
    assert marked["seq"] == legacy + 1 and json.loads(marked["detail"])["legacy_entries"] == legacy
    # A rewrite of the legacy part after the upgrade breaks the link the keyed entry holds.
    db.execute("update audit set actor = 'slack:UINSIDER' where seq = 2")
    _rechain(db, start=2, end=legacy)
    db.execute(
        "update audit set prev_hash = (select hash from audit where seq = ?) where seq = ?",
        (legacy, legacy + 1),
    )
    db.commit()
    db.close()
    code, out = _verify(db_dir)
    assert code == 1 and f"audit entry {legacy + 1} (audit.keyed audit) was edited" in out


def test_the_mac_key_is_derived_and_not_in_the_database(db_dir):
    from bot.records.crypto import Cipher

    cipher = Cipher(key=KEY.encode())
    raw = base64.urlsafe_b64decode(KEY)
    assert cipher.audit_key != raw and len(cipher.audit_key) == 32
    data = (db_dir / "edc.sqlite3").read_bytes()
    for secret in (cipher.audit_key, cipher.audit_key.hex().encode(), KEY.encode(), raw):
        assert secret not in data


# ---- whatever the rows hold, verify answers in words --------------------------------------

_VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.text(max_size=40),
    st.binary(max_size=20),
    st.floats(),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "seq": st.integers(min_value=1, max_value=50),
                "at": _VALUES,
                "event": st.one_of(st.just("report.submitted"), st.text(min_size=1, max_size=20)),
                "subject": _VALUES,
                "actor": _VALUES,
                "detail": st.one_of(_VALUES, st.just('{"row_hash": 5, "columns": [1]}')),
                "prev_hash": _VALUES,
                "hash": st.one_of(st.text(min_size=1, max_size=70), st.just("k1:00")),
            }
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda r: r["seq"],
    )
)
def test_verify_never_crashes_on_arbitrary_audit_rows(tmp_path_factory, rows):
    import sqlite_utils

    from bot.records import audit
    from bot.records.migrations import migrate

    db = sqlite_utils.Database(tmp_path_factory.mktemp("fuzz") / "f.sqlite3")
    migrate(db)
    for row in rows:
        db["audit"].insert(row)
    result = audit.verify(db, b"k" * 32, witnesses=[audit.Witness(99, "ab" * 8, "a card")])
    assert result.problems and all(isinstance(p, str) for p in result.problems)
    assert "entry 99" in " ".join(result.problems)


def test_every_surface_shows_the_witness_line_on_the_card(tmp_path, index):
    from zoneinfo import ZoneInfo

    from bot.render_text import render as as_text
    from bot.supervisor_cards import Cards
    from handlers.slack.blocks import render as as_slack
    from handlers.teams.cards import card_attachment
    from tests.report_support import make_core, say

    core = make_core(tmp_path, index)
    say(core, "report")
    for answer in REPORT_ANSWERS:
        say(core, answer)
    say(core, "submit")
    [report] = core.records.reports.find()
    witness = core.records.audit_witness()
    card = Cards(tz=ZoneInfo("America/New_York"), mode="full").card(report, witness=witness)
    line = f"Audit witness {witness}"
    assert re.fullmatch(r"\d+:[0-9a-f]{16}", str(witness))
    assert line in as_text(card)
    assert line in json.dumps(as_slack(card))
    assert line in json.dumps(card_attachment(card, scope="channel"))
    code, out = _verify(tmp_path, "--witness", str(witness))
    assert code == 0, out
    core.records.close()
