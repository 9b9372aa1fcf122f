"""The policy as data reproduces the published policy: nothing dropped, nothing altered.

Every bundle under policies/ is checked against its own published text; the rest of this file
is about the EDC policy, the default bundle."""

from pathlib import Path

import pytest

from knowledge.bundle import Bundle, load_bundle
from knowledge.policy import load_policy, normalise_space, split_sentences
from knowledge.search import build_index
from knowledge.train import fingerprint
from tests.conftest import BUNDLES

EXPECTED_IDS = ("1", "2", "3") + tuple(f"3.{n}" for n in range(1, 13))


def test_clause_ids_are_the_fixed_ones(policy):
    assert policy.ids == EXPECTED_IDS


def assert_reproduces_its_published_text(bundle: Bundle) -> None:
    """policy.yml joined gives the published text, and every clause stands in it letter for
    letter (curly apostrophes included)."""
    policy = load_policy(bundle.policy_file)
    published = bundle.published_file.read_text(encoding="utf-8")
    assert normalise_space(policy.full_text) == normalise_space(published)
    for clause in policy.clauses:
        assert clause.text in published, clause.id


@pytest.mark.parametrize("root", BUNDLES, ids=lambda p: p.name)
def test_each_bundle_reproduces_its_own_published_text(root: Path):
    assert_reproduces_its_published_text(load_bundle(root))


@pytest.mark.parametrize("root", BUNDLES, ids=lambda p: p.name)
def test_each_bundle_loads_and_its_model_was_trained_from_its_files(root: Path):
    bundle = load_bundle(root)
    index = build_index(bundle=bundle)  # validates every file: quotes verbatim, one per sentence
    assert index.bundle == bundle and bundle.example_clause in index.policy.ids
    assert index.model.data_sha256 == fingerprint(bundle.root), f"retrain {root.name}"


def test_the_edc_bundle_is_among_those_checked(bundle):
    assert bundle.root in BUNDLES and bundle.published_file.name.startswith("EDC-")


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
