"""Whatever is asked, an answer carries a verdict, a plain answer and verbatim quotes."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.policy import normalise_space

WORDS = st.sampled_from(
    [
        "text",
        "student",
        "facebook",
        "parent",
        "email",
        "cell phone",
        "logo",
        "union",
        "IT",
        "monitor",
        "private",
        "can i",
        "when is",
        "hi!",
        "nurse here,",
        "—",
        "picture day",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=10).map(" ".join))
def test_an_answer_always_has_verdict_answer_and_quotes_of_its_clause(index, policy, text):
    result = index.search(text)
    assert 0.0 <= result.confidence <= 1.0 and 0.0 <= result.in_scope <= 1.0
    if not result.answered:
        assert result.answer is None and result.quote == ()
        return
    assert result.answer.verdict and result.answer.answer
    clause = normalise_space(policy.clause(result.clauses[0]).text)
    assert result.quote and all(passage in clause for passage in result.quote)
    for also in result.also:
        assert also.clause in result.clauses[1:] and also.verdict and also.answer
