"""UserRef: the one place a stored "platform:id" key is made and read."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.messages import Incoming
from bot.users import UserRef


def test_teams_ids_keep_their_colons():
    ref = UserRef.parse("teams:29:1a-b:c")
    assert ref == UserRef("teams", "29:1a-b:c") and ref.key == "teams:29:1a-b:c"


def test_an_incoming_names_its_sender_as_the_records_key_them():
    incoming = Incoming(text="hi", user_id="U1", conversation_id="D1", platform="slack")
    assert incoming.user == UserRef("slack", "U1") and str(incoming.user) == "slack:U1"


@pytest.mark.parametrize("key", ["", "U123", ":U123"])
def test_a_key_without_a_platform_is_refused(key):
    with pytest.raises(ValueError, match="not a user key"):
        UserRef.parse(key)


@given(
    platform=st.text(min_size=1).filter(lambda p: ":" not in p),
    user_id=st.text(),
)
def test_parse_reads_back_what_key_wrote(platform, user_id):
    ref = UserRef(platform, user_id)
    assert UserRef.parse(ref.key) == ref
