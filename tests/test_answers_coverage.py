"""A plain answer and a verdict behind every answer: every policy sentence and every curated
situation has one, every answered question carries one, and no verdict says more than its text."""

from __future__ import annotations

import re

import pytest

from knowledge.curated import VERDICTS, load_curated
from knowledge.errors import KnowledgeError
from knowledge.policy import DATA_DIR
from knowledge.sentences import SENTENCES_FILE, load_sentence_answers, sentence_id

# Words by which the policy forbids something; a "Prohibited" verdict needs one in its quote.
PROHIBITING = re.compile(
    r"\b(prohibited|shall not|should not|may not|must not|in no event|no conversation|never)\b",
    re.IGNORECASE,
)


def test_every_policy_sentence_has_a_plain_answer_and_a_verdict(policy):
    answers = {a.id: a for a in load_sentence_answers(policy)}
    for clause in policy.clauses:
        for n, sentence in enumerate(clause.sentences):
            answer = answers.get(sentence_id(clause.id, n))
            assert answer is not None, (clause.id, sentence[:60])
            assert answer.clause == clause.id and answer.quote.endswith(sentence), answer.id
            assert answer.answer.strip() and answer.verdict in VERDICTS, answer.id


def test_every_curated_situation_has_a_plain_answer_and_a_verdict(policy):
    for answer in load_curated(policy).answers:
        assert answer.answer.strip() and answer.verdict in VERDICTS, answer.id


def test_prohibited_only_where_the_quoted_text_prohibits(policy):
    situations = (*load_curated(policy).answers, *load_sentence_answers(policy))
    for answer in situations:
        if answer.verdict == "Prohibited":
            assert PROHIBITING.search(answer.quote), answer.id


def test_every_answered_curated_question_comes_with_verdict_answer_and_quote(index, policy):
    curated = load_curated(policy)
    questions = [q for qs in curated.questions.values() for q in qs[::4]]
    answered = [index.search(q) for q in questions]
    answered = [r for r in answered if r.answered]
    assert len(answered) > len(questions) / 2
    for result in answered:
        assert result.answer and result.answer.verdict and result.answer.answer, result.query
        assert result.answer.clause == result.clauses[0], result.query
        assert result.quote, result.query


def test_a_missing_sentence_answer_is_named(policy, tmp_path):
    text = (DATA_DIR / SENTENCES_FILE).read_text(encoding="utf-8")
    cut = text.replace('    answer: "Nothing you post online or send electronically', "    # ", 1)
    (tmp_path / SENTENCES_FILE).write_text(cut, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"clause 3\.2 sentence 3: missing answer"):
        load_sentence_answers(policy, tmp_path)


def test_a_sentence_answer_out_of_order_is_named(policy, tmp_path):
    text = (DATA_DIR / SENTENCES_FILE).read_text(encoding="utf-8")
    swapped = text.replace(
        'starts: "Staff members are role models', 'starts: "District employees', 1
    )
    (tmp_path / SENTENCES_FILE).write_text(swapped, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"clause 3\.7 sentence 2"):
        load_sentence_answers(policy, tmp_path)
