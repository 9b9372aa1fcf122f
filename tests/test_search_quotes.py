"""Honest quotes: passages that are not adjacent in the policy are never run together."""

from __future__ import annotations

import json

import pytest

from knowledge.curated import GAP, check_passages, load_curated
from knowledge.errors import KnowledgeError
from knowledge.policy import normalise_space
from knowledge.quotes import join_passages
from tests.conftest import run_app


def _contiguous_or_marked(quote: str, clause_text: str) -> bool:
    """Each GAP-separated passage is verbatim, in order, and no two are adjacent."""
    try:
        check_passages(quote.split(GAP), normalise_space(clause_text), "")
    except KnowledgeError:
        return False
    return True


def test_every_curated_quote_is_one_span_or_split_where_it_skips(policy):
    for answer in load_curated(policy).answers:
        assert _contiguous_or_marked(answer.quote, policy.clause(answer.clause).text), answer.id


def test_passages_are_checked_verbatim_in_order_and_apart():
    text = "One. Two. Three."
    check_passages(["One.", "Three."], text, "x")
    with pytest.raises(KnowledgeError, match="adjacent"):
        check_passages(["One.", "Two."], text, "x")
    with pytest.raises(KnowledgeError, match="in order"):
        check_passages(["Three.", "One."], text, "x")
    with pytest.raises(KnowledgeError, match="verbatim"):
        check_passages(["Four."], text, "x")


def test_joining_marks_a_skip_and_runs_adjacent_sentences_on():
    text = "One. Two. Three."
    assert join_passages(text, ("One.", "Two.")) == "One. Two."
    assert join_passages(text, ("One.", "Three.")) == "One." + GAP + "Three."
    assert join_passages(text, ("Two.",)) == "Two."


def test_ask_json_never_joins_non_adjacent_sentences_silently(policy, index):
    curated = load_curated(policy)
    questions = [q for qs in curated.questions.values() for q in qs[::15]]
    proc = run_app("ask", "--json", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    answered = [r for r in rows if r["answered"]]
    assert answered
    for row in answered:
        assert row["verdict"] and row["answer"], row["question"]
        clause = policy.clause(row["clauses"][0])
        assert _contiguous_or_marked(row["quote"], clause.text), row
