"""When two clauses are about equally likely, the reply says the second may apply too."""

from bot import strings
from bot.engine import Bot
from bot.messages import Incoming, Quote, Text, Verdict

QUESTION = "i emailed a parent from my gmail, is that a public record"


def test_a_close_second_clause_is_said_to_apply_too(index, policy_text):
    result = index.search(QUESTION)
    assert result.also, "this no longer reads as two clauses: pick another example"
    replies = Bot(index=index).handle(Incoming(text=QUESTION, user_id="U1", conversation_id="c"))
    found = [p for r in replies for p in r.parts]
    other = result.also[0]
    lead = strings.ALSO_APPLIES.split("{")[0]
    notes = [p.text for p in found if isinstance(p, Text)]
    assert any(n.startswith(lead) and other.clause in n and other.answer in n for n in notes)
    assert {result.clauses[0], other.clause} <= {p.clause_id for p in found if isinstance(p, Quote)}
    assert all(p.text in policy_text for p in found if isinstance(p, Quote))
    assert [p.label for p in found if isinstance(p, Verdict)] == [result.answer.verdict]
