"""Grouped cross-validation on the curated questions: the measure every knob is chosen by.

Each curated question is answered by a ranker trained without it — and without every other
variant of the same situation: a curated answer's questions and its answer text form one group,
and curated questions that say nearly the same thing (same clause, most words in common) are
grouped together, so a held-out question never has a near-twin in training. The policy sentences
and the per-sentence answers are the knowledge itself: always trained on, never held out.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from bench import variants
from bench.evalset import EvalRow
from knowledge.curated import OUT_OF_SCOPE, Curated, load_curated
from knowledge.features import Featurizer, Speller, intent_tokens, tokens
from knowledge.normalize import content
from knowledge.policy import load_policy
from knowledge.sentences import load_sentence_answers
from knowledge.train import Example, Settings, classes, examples, fit, speller_vocabulary
from tests import chat_openings_heldout

_HELD_OUT_CHAT = (
    tuple(f"{o} " for o in chat_openings_heldout.OPENINGS),
    ("",) * len(chat_openings_heldout.CLOSINGS)
    + tuple(f" {c}" for c in chat_openings_heldout.CLOSINGS),
)
FOLDS = 5
SEED = 1
NEAR_TWIN = 0.5  # Jaccard of content words + concepts at which two questions are one situation


@dataclass(frozen=True)
class HeldOut:
    """One held-out question and the ranker's raw (uncalibrated) class scores for it."""

    text: str
    label: str
    logits: tuple[float, ...]


@cache
def knowledge() -> tuple[list[Example], Featurizer, list[str]]:
    policy = load_policy()
    curated = load_curated(policy)
    data = examples(policy, curated, load_sentence_answers(policy))
    return data, Featurizer(curated.synonyms), classes(policy)


def groups(data: list[Example], featurizer: Featurizer) -> list[str]:
    """A group name per example: 'policy', 'answer:<id>', or a cluster of near-twin questions."""
    parent = list(range(len(data)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    bags = [situation_bag(e.text, featurizer) for e in data]
    by_token: dict[str, list[int]] = {}
    for i, e in enumerate(data):
        if e.source == "policy":
            continue
        for token in bags[i]:
            by_token.setdefault(f"{e.label}|{token}", []).append(i)
    for i, e in enumerate(data):
        if e.source == "policy" or not bags[i]:
            continue
        candidates = {j for t in bags[i] for j in by_token[f"{e.label}|{t}"] if j > i}
        for j in candidates:
            if len(bags[i] & bags[j]) / len(bags[i] | bags[j]) >= NEAR_TWIN:
                parent[find(j)] = find(i)
    names = []
    for i, e in enumerate(data):
        if e.source == "policy":
            names.append("policy")
        elif e.source.startswith("answer:"):
            names.append(e.source)
        else:
            names.append(f"cluster:{data[find(i)].label}:{data[find(i)].text}")
    # A question that is a near-twin of a curated answer's question joins that answer's group.
    root_name = {}
    for i, name in enumerate(names):
        if name.startswith("answer:"):
            root_name.setdefault(find(i), name)
    return [
        root_name.get(find(i), name) if name != "policy" else name for i, name in enumerate(names)
    ]


def situation_bag(text: str, featurizer: Featurizer) -> frozenset[str]:
    """What near-twins share: content words, their adjacent pairs, intent tokens and concepts.
    Spelt out here, not taken from the ranker's features, so a feature change is measured on
    the same folds as before it."""
    seq = tokens(text)
    kept = content(seq)
    pairs = [f"{a} {b}" for a, b in zip(kept, kept[1:])]
    return frozenset(kept + pairs + intent_tokens(seq) + featurizer.concepts(text))


def folds(data: list[Example], featurizer: Featurizer) -> Iterator[tuple[list[int], list[int]]]:
    """(train, test) index lists; whole groups are dealt to folds, 'policy' is never tested."""
    names = groups(data, featurizer)
    # A group's fold follows from its name alone, so adding knowledge does not reshuffle the
    # others: a knowledge edit is measured on the same folds as before it.
    fold_of = {name: _fold(name) for name in set(names) - {"policy"}}
    for k in range(FOLDS):
        test = [i for i, g in enumerate(names) if g != "policy" and fold_of[g] == k]
        held = set(test)
        yield [i for i in range(len(data)) if i not in held], test


def _fold(group: str) -> int:
    return zlib.crc32(f"{SEED}:{group}".encode()) % FOLDS


def held_out(settings: Settings, chatty: bool = False) -> list[HeldOut]:
    """Every curated question, scored by a ranker trained on the other folds (`chatty`: each
    with an opening, and for some a closing, from tests/chat_openings_heldout.py around it: staff
    chat the ranker never trains on, much of which survives stripping)."""
    return _held_out(settings, chatty)


@cache
def _held_out(settings: Settings, chatty: bool) -> list[HeldOut]:
    data, featurizer, labels = knowledge()
    out = []
    for train_idx, test_idx in folds(data, featurizer):
        train = [data[i] for i in train_idx]
        pipeline = fit(train, featurizer, labels, settings)
        speller = Speller(speller_vocabulary(train, featurizer))
        tests = [data[i] for i in test_idx if data[i].question]
        texts = [e.text for e in tests]
        if chatty:
            rows = [EvalRow(t, (), "out") for t in texts]
            texts = [r.q for r in variants.chatty(rows, *_HELD_OUT_CHAT)]
        scores = pipeline.decision_function([speller.correct(t) for t in texts])
        column = [list(pipeline.classes_).index(label) for label in labels]
        out += [
            HeldOut(e.text, e.label, tuple(float(s[c]) for c in column))
            for e, s in zip(tests, scores)
        ]
    return out


def baseline_held_out(rank: Callable[[list[Example], str], tuple[tuple[str, ...], bool]]):
    """The same folds for another ranker: `rank(train, question)` -> (clauses, answered)."""
    data, featurizer, _ = knowledge()
    out = []
    for train_idx, test_idx in folds(data, featurizer):
        train = [data[i] for i in train_idx]
        for i in test_idx:
            if data[i].question:
                out.append((data[i].label, rank(train, data[i].text)))
    return out


@dataclass(frozen=True)
class Decided:
    """What the served ranker would have done with one held-out question."""

    label: str
    clauses: tuple[str, ...]  # ranked clause IDs, best first
    confidence: float  # calibrated chance the first clause is right
    in_scope: float  # calibrated chance the policy covers the question
    answered: bool

    @property
    def right(self) -> bool:
        """Right for the user: the clause first and answered, or out of scope and declined."""
        if self.label == OUT_OF_SCOPE:
            return not self.answered
        return self.answered and self.clauses[0] == self.label


def decide(
    held: list[HeldOut],
    labels: list[str],
    temperature: float,
    decline_below: float,
    confidence=(1.0, 0.0, 0.0),
):
    """Apply calibration and the decision point to held-out scores (as knowledge.search does)."""
    from knowledge.model import calibrated_confidence, softmax

    none = labels.index(OUT_OF_SCOPE)
    out = []
    for h in held:
        p = softmax([z / temperature for z in h.logits])
        order = sorted((k for k in range(len(labels)) if k != none), key=lambda k: -p[k])
        covered = 1.0 - p[none]
        out.append(
            Decided(
                h.label,
                tuple(labels[k] for k in order[:3]),
                calibrated_confidence(p[order[0]], covered, confidence),
                covered,
                covered >= decline_below,
            )
        )
    return out


def legacy_held_out() -> list[tuple[str, tuple[tuple[str, ...], float, bool]]]:
    """The previous lookup (bench/legacy.py) on the same folds: (label, (clauses, confidence,
    answered)) per held-out question."""
    from bench.legacy import Index

    policy = load_policy()
    curated = load_curated(policy)

    def rank(train: list[Example], question: str):
        key = tuple(id(e) for e in train)
        if _legacy_cache.get("key") != key:
            kept = {e.source.removeprefix("answer:") for e in train}
            questions: dict[str, list[str]] = {}
            for e in train:
                if e.source == "question":
                    questions.setdefault(e.label, []).append(e.text)
            _legacy_cache["key"] = key
            _legacy_cache["index"] = Index(
                policy,
                Curated(
                    questions={k: tuple(v) for k, v in questions.items()},
                    synonyms=curated.synonyms,
                    answers=tuple(a for a in curated.answers if a.id in kept),
                ),
            )
        result = _legacy_cache["index"].search(question)
        return result.clauses, result.confidence, result.answered

    return baseline_held_out(rank)


_legacy_cache: dict = {}
