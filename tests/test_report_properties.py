"""Property tests: validators take any text; arbitrary input at every dialog step never crashes
and never loses a saved answer."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.forms.spec import form_names, load_form
from bot.forms.validators import Checked, Context, check
from tests.report_support import REPORT_ANSWERS, make_core, say

CTX = Context(now=datetime.now(UTC), tz=ZoneInfo("America/New_York"), remembered="Ms R")
ALL_FIELDS = [f for name in form_names() for f in load_form(name).fields]
COMMANDS = [
    "back",
    "skip",
    "status",
    "help",
    "cancel",
    "no",
    "yes",
    "edit phone",
    "edit 99",
    "submit",
    "resume",
    "drafts",
    "? can I text a student",
    "report",
    "start over",
    "",
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(ALL_FIELDS), st.text(max_size=300))
def test_validators_accept_any_text(field, text):
    checked = check(field, text, CTX)
    assert isinstance(checked, Checked)
    assert checked.ok or checked.error  # a refusal always says why


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(min_value=0, max_value=len(REPORT_ANSWERS)),
    st.lists(st.one_of(st.sampled_from(COMMANDS), st.text(max_size=80)), max_size=12),
)
def test_arbitrary_input_at_any_step(tmp_path_factory, index, step, inputs):
    core = make_core(tmp_path_factory.mktemp("db"), index)
    for line in ["report", *REPORT_ANSWERS[:step]]:
        say(core, line)
    before = core.records.drafts.open_for("console:u1")
    for line in inputs:
        out = say(core, line)
        assert "incident" not in out and out.strip()  # no error, never silence
        draft = core.records.drafts.open_for("console:u1")
        if draft is None or draft.id != before.id:  # cancelled, started over or submitted
            kept = core.records.drafts.get(before.id)
            assert kept.status in ("cancelled", "submitted")
            assert set(before.state.answers) <= set(kept.state.answers)
            if draft is None:
                break
        else:  # every saved answer is still saved: an edit replaces, never drops
            assert set(before.state.answers) <= set(draft.state.answers)
        before = draft
    core.records.close()
