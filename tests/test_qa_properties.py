"""Arbitrary input never breaks the Q&A, and every quotation stays verbatim policy text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Bot
from bot.messages import Incoming, Quote
from bot.render_text import render
from knowledge.policy import normalise_space

SLACKISH = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<@U12345>",
        "<#C123|general>",
        "<https://evil.example|click>",
        "*bold*",
        "`code`",
        "/edc",
        "3.5",
    ]
)
TEXT = st.lists(
    st.one_of(
        st.text(max_size=40),
        SLACKISH,
        st.sampled_from(
            ["text", "student", "facebook", "parent", "email", "cell phone", "logo", "?"]
        ),
    ),
    max_size=12,
).map(" ".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_text_gets_a_reply_and_quotes_stay_verbatim(index, policy_text, text):
    bot = Bot(index=index)
    replies = bot.handle(Incoming(text=text, user_id="U1", conversation_id="c"))
    assert replies
    for reply in replies:
        assert reply.kind != "error"
        assert render(reply).strip()
        for part in reply.parts:
            if isinstance(part, Quote):
                assert normalise_space(part.text) in policy_text


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=3000))
def test_search_confidence_is_always_a_probability(index, text):
    result = index.search(text)
    assert 0.0 <= result.confidence <= 1.0
    assert result.answered == bool(result.quote)
