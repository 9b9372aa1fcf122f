"""Loading validates the data and names the bad entry."""

import shutil

import pytest

from knowledge.curated import VERDICTS, load_curated
from knowledge.errors import KnowledgeError
from knowledge.policy import DATA_DIR, load_policy, normalise_space


@pytest.fixture()
def data_dir(tmp_path):
    for name in ("questions.yml", "synonyms.yml", "answers.yml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def test_every_curated_quote_is_verbatim_policy_text(policy, policy_text):
    curated = load_curated(policy)
    assert len(curated.answers) >= 25
    for answer in curated.answers:
        assert answer.quote in policy_text, answer.id
        assert answer.quote in normalise_space(policy.clause(answer.clause).text), answer.id
        assert answer.verdict in VERDICTS


def test_curated_questions_cover_every_clause(policy):
    curated = load_curated(policy)
    for cid in policy.ids:
        assert len(curated.questions.get(cid, ())) >= 20, cid
    assert len(curated.questions["none"]) >= 100


def test_a_misquote_is_rejected_with_its_id(policy, data_dir):
    text = (data_dir / "answers.yml").read_text(encoding="utf-8")
    first_quote = load_curated(policy).answers[0]
    broken = text.replace(first_quote.quote[:30], first_quote.quote[:30].upper(), 1)
    (data_dir / "answers.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=first_quote.id):
        load_curated(policy, data_dir)


def test_unknown_clause_in_questions_is_named(policy, data_dir):
    with open(data_dir / "questions.yml", "a", encoding="utf-8") as fh:
        fh.write('\n"3.99":\n  - what about clause 3.99\n')
    with pytest.raises(KnowledgeError, match="3.99"):
        load_curated(policy, data_dir)


def test_invalid_yaml_is_a_clear_error(policy, data_dir):
    (data_dir / "synonyms.yml").write_text("text message: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="synonyms.yml"):
        load_curated(policy, data_dir)


def test_missing_policy_file_is_a_clear_error(tmp_path):
    with pytest.raises(KnowledgeError, match="not found"):
        load_policy(tmp_path / "policy.yml")
