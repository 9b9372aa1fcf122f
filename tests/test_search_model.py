"""The served ranker is the trained one: same scores as scikit-learn, same file as the trainer
writes from the committed knowledge. (Training needs scikit-learn: a dev requirement.)"""

from __future__ import annotations

import json
import math

import pytest

from knowledge import train
from knowledge.model import MODEL_FILE


@pytest.fixture(scope="module")
def trained():
    """The pipeline and model-file text that `python -m knowledge.train` makes right now."""
    policy, curated, sentence_answers, featurizer, data = train.knowledge()
    pipeline = train.fit(data, featurizer, train.classes(policy), train.SETTINGS)
    return pipeline, data, train.train(pipeline=pipeline)


def test_the_committed_model_was_trained_from_the_committed_knowledge():
    committed = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert committed["data_sha256"] == train.fingerprint(), (
        "policies/edc changed since the ranker was trained: run `make train` "
        "(python -m knowledge.train) and commit policies/edc/ranker.json"
    )


def test_the_committed_model_is_what_the_trainer_writes(trained):
    _, _, text = trained
    committed = MODEL_FILE.read_text(encoding="utf-8")
    if text == committed:
        return
    # Another machine's floating point may round a last digit differently: the same features,
    # and weights equal to the file's precision, are the same model.
    new, old = json.loads(text), json.loads(committed)
    assert new["classes"] == old["classes"] and new["settings"] == old["settings"]
    assert new["vocabulary"] == old["vocabulary"]
    for block in new["blocks"]:
        assert new["blocks"][block].keys() == old["blocks"][block].keys(), block
        for feature, (idf, weights) in new["blocks"][block].items():
            old_idf, old_weights = old["blocks"][block][feature]
            assert idf == pytest.approx(old_idf, abs=2e-6)
            for label in weights.keys() | old_weights.keys():
                a, b = weights.get(label, 0.0), old_weights.get(label, 0.0)
                assert a == pytest.approx(b, abs=train.SETTINGS.prune + 2e-4), (feature, label)


def test_served_scores_equal_scikit_learns_on_every_curated_question(trained, index):
    pipeline, data, _ = trained
    questions = [e.text for e in data if e.question]
    expected = pipeline.decision_function(questions)
    column = [list(pipeline.classes_).index(label) for label in index.model.classes]
    for question, row in zip(questions, expected, strict=True):
        served = index.model.logits(index.model.vector(question))
        for k, c in enumerate(column):
            assert math.isclose(served[k], row[c], abs_tol=1e-9), (question, k)


def test_served_probabilities_are_the_calibrated_softmax(index):
    model = index.model
    vector = model.vector("can i text a student from my cell")
    z = model.logits(vector)
    t = model.settings["temperature"]
    total = sum(math.exp(v / t) for v in z)
    expected = {c: math.exp(v / t) / total for c, v in zip(model.classes, z, strict=True)}
    assert model.probabilities(vector) == pytest.approx(expected, abs=1e-12)
