"""The policy as data reproduces the published policy: nothing dropped, nothing altered."""

from knowledge.policy import normalise_space, split_sentences
from tests.conftest import PUBLISHED_POLICY

EXPECTED_IDS = ("1", "2", "3") + tuple(f"3.{n}" for n in range(1, 13))


def test_clause_ids_are_the_fixed_ones(policy):
    assert policy.ids == EXPECTED_IDS


def test_joined_clauses_reproduce_the_published_text(policy):
    published = PUBLISHED_POLICY.read_text(encoding="utf-8")
    assert normalise_space(policy.full_text) == normalise_space(published)


def test_every_clause_text_stands_letter_for_letter_in_the_policy(policy):
    published = PUBLISHED_POLICY.read_text(encoding="utf-8")
    for clause in policy.clauses:
        assert clause.text in published, clause.id


def test_sentences_join_back_to_the_clause(policy):
    for clause in policy.clauses:
        assert " ".join(clause.sentences) == normalise_space(clause.text), clause.id


def test_long_clause_35_is_split_into_its_sentences(policy):
    sentences = policy.clause("3.5").sentences
    assert len(sentences) == 9
    assert sentences[-1].startswith("No conversation relating to a confidential matter")


def test_abbreviations_do_not_split_sentences():
    assert split_sentences("It may give rise to liability (e.g. for defamation) and more.") == (
        "It may give rise to liability (e.g. for defamation) and more.",
    )


def test_metadata(policy):
    assert (policy.code, policy.adopted, policy.revised) == ("EDC", "2011-09-14", "2014-07-16")
    assert policy.district == "Dudley-Charlton Regional School District"
    assert "2014-07-16" in policy.revision
    assert len(policy.sha256) == 64


def test_references_point_at_real_text(policy):
    refs = {c.id: c.references for c in policy.clauses if c.references}
    assert refs["3.12"][0].clause == "2"
    assert refs["1"][0].external  # IJNDB / IJNDBA are not in this text
