"""`python -m knowledge.train` (or `make train`): fit the clause ranker and write its model file.

The ranker is a multinomial logistic regression over TF-IDF features (knowledge/features.py:
words and word pairs, character 3–5-grams, synonym-table concepts) with one class per clause
and one for "out of scope". It learns from everything in a policy bundle (knowledge/bundle.py;
the one EDC_POLICY_DIR names, default policies/edc): the curated questions
(questions.yml), the curated answers' questions and sentences (answers.yml), the per-sentence
plain answers (sentences.yml) and the policy sentences themselves (policy.yml), plus a copy of
each in-scope curated question with its synonym-table phrases swapped, and a copy of every
curated question wrapped in staff chat (knowledge/augment.py).

Training needs scikit-learn (requirements-dev.txt); serving does not: the fitted weights are
written to the bundle's ranker.json, one feature per line so a knowledge edit shows in a diff,
and knowledge/model.py scores with them in pure Python. The run is deterministic (lbfgs, no
randomness), so the same data always gives the same file; a test retrains and compares.

The settings below were chosen by grouped cross-validation on the curated questions only
(`python -m bench.tune`); the dev and blind sets never chose anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.augment import Swapper, chat_wrapped
from knowledge.bundle import load_bundle
from knowledge.curated import OUT_OF_SCOPE, Curated, load_curated
from knowledge.errors import KnowledgeError
from knowledge.features import Featurizer, known_words
from knowledge.model import FORMAT
from knowledge.policy import DATA_DIR, Policy, load_policy
from knowledge.sentences import load_sentence_answers

DATA_FILES = ("policy.yml", "questions.yml", "answers.yml", "sentences.yml", "synonyms.yml")


@dataclass(frozen=True)
class Settings:
    """Every knob of the ranker. Chosen by grouped cross-validation (bench/tune.py)."""

    c: float = 10.0  # inverse L2 strength of the logistic regression
    word_weight: float = 1.0  # how much each feature block counts (blocks are normalised apart)
    char_weight: float = 1.0
    concept_weight: float = 1.0
    min_df: int = 2  # a word or n-gram seen in fewer texts is not a feature (concepts: 1)
    policy_weight: float = 1.0  # sample weight of a policy sentence / authored answer
    none_weight: float = 1.0  # sample weight of an out-of-scope question
    temperature: float = 1.0  # calibration: logits are divided by this (fitted on CV)
    decline_below: float = 0.5  # answer when P(in scope) = 1 - P(out of scope) is at least this
    # confidence = logistic(a * logit(P(first clause)) + b * logit(P(in scope)) + c), fitted on CV
    confidence: tuple[float, float, float] = (1.0, 0.0, 0.0)
    augment_weight: float = 0.0  # weight of an in-scope question's synonym-swapped copy (0: none)
    chat_weight: float = 0.0  # weight of every curated question's chat-wrapped copy (0: none)
    prune: float = 0.0  # weights smaller than this (absolute) are dropped from the file
    digits: int = 4  # decimals kept in the model file


SETTINGS = Settings(
    c=100.0,
    word_weight=1.5,
    char_weight=1.2,
    concept_weight=0.6,
    min_df=2,
    policy_weight=1.0,
    none_weight=1.5,
    augment_weight=0.4,
    chat_weight=0.5,
    temperature=0.983,
    decline_below=0.425,
    confidence=(0.8599, 0.0, 0.1617),
    prune=0.05,
    digits=4,
)


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # clause ID or "none"
    source: str  # "question" | "answer:<id>" | "policy"
    question: bool = True  # a way staff ask (held out by cross-validation), not knowledge text


def examples(policy: Policy, curated: Curated, sentence_answers=()) -> list[Example]:
    """Every labelled text in the knowledge base, in a fixed order."""
    out = []
    for label, questions in curated.questions.items():
        out += [Example(q, label, "question") for q in questions]
    for a in curated.answers:
        out += [Example(q, a.clause, f"answer:{a.id}") for q in a.questions]
        out.append(Example(a.answer, a.clause, f"answer:{a.id}", question=False))
    for clause in policy.clauses:
        out += [
            Example(s, clause.id, "policy", question=False)
            for s in (clause.title, *clause.sentences)
        ]
    out += [Example(s.answer, s.clause, "policy", question=False) for s in sentence_answers]
    return out


def classes(policy: Policy) -> list[str]:
    return [*policy.ids, OUT_OF_SCOPE]


def fit(train: list[Example], featurizer: Featurizer, labels: list[str], settings: Settings):
    """The scikit-learn pipeline fitted on `train`, its weights rounded and pruned as they will
    be served (so scikit-learn's scores and the served ones are the same numbers)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from threadpoolctl import threadpool_limits

    # The features are those of the knowledge texts themselves (a question's synonym-swapped
    # copy must not lift its one-off words over min_df); idf is then counted over everything.
    texts = [e.text for e in train]
    memos: list[_Remembered] = []

    def vectorizer(analyzer, min_df):
        analyzer = _Remembered(analyzer)
        memos.append(analyzer)
        known = TfidfVectorizer(analyzer=analyzer, min_df=min_df, lowercase=False).fit(texts)
        return TfidfVectorizer(
            analyzer=analyzer,
            sublinear_tf=True,
            vocabulary=known.vocabulary_,
            lowercase=False,
            dtype=np.float64,
        )

    union = FeatureUnion(
        [
            ("words", vectorizer(featurizer.word_features, settings.min_df)),
            ("chars", vectorizer(featurizer.char_features, settings.min_df)),
            ("concepts", vectorizer(featurizer.concept_features, 1)),
        ],
        transformer_weights={
            "words": settings.word_weight,
            "chars": settings.char_weight,
            "concepts": settings.concept_weight,
        },
    )
    # newton-cg converges in a few tight steps (the same weights to many digits on any machine);
    # one BLAS thread: with more, this small problem spends its time waiting on threads.
    model = LogisticRegression(C=settings.c, solver="newton-cg", max_iter=200, tol=1e-6)
    pipeline = Pipeline([("features", union), ("model", model)])
    weights = [
        settings.policy_weight
        if e.source == "policy"
        else settings.none_weight
        if e.label == OUT_OF_SCOPE
        else 1.0
        for e in train
    ]
    asked = [(e, w) for e, w in zip(train, weights) if e.question]  # the curated questions
    if settings.augment_weight > 0:
        swapper = Swapper(featurizer.synonyms)
        # In-scope questions only: copies of out-of-scope ones lowered the CV objective.
        copies = [
            (e, swapper.swapped(e.text)) for e in train if e.question and e.label != OUT_OF_SCOPE
        ]
        train = train + [
            Example(text, e.label, e.source, question=True) for e, text in copies if text
        ]
        weights += [settings.augment_weight for _, text in copies if text]
    if settings.chat_weight > 0:
        # In and out of scope alike: the chat words must not tip the answer-or-decline decision.
        train = train + [Example(chat_wrapped(e.text), e.label, e.source) for e, _ in asked]
        weights += [settings.chat_weight * w for _, w in asked]
    present = sorted({e.label for e in train}, key=labels.index)
    if present != labels:
        raise ValueError(f"every class needs training texts; missing {set(labels) - set(present)}")
    with threadpool_limits(1):
        pipeline.fit(
            [e.text for e in train], [e.label for e in train], model__sample_weight=weights
        )
    for memo in memos:
        memo.forget()  # scoring later texts needs no memory of the training ones
    _round(pipeline, settings)
    return pipeline


class _Remembered:
    """An analyzer that remembers each text's features until `forget()`: a fit's vocabulary
    pass and weighting pass read the same texts (training takes a quarter less time)."""

    def __init__(self, analyzer) -> None:
        self._analyzer = analyzer
        self._seen: dict[str, list[str]] | None = {}

    def __call__(self, text: str) -> list[str]:
        if self._seen is None:
            return self._analyzer(text)
        if text not in self._seen:
            self._seen[text] = self._analyzer(text)
        return self._seen[text]

    def forget(self) -> None:
        self._seen = None


def _round(pipeline, settings: Settings) -> None:
    """Round idf and weights to what the file keeps; drop tiny weights."""
    import numpy as np

    for _, vec in pipeline.named_steps["features"].transformer_list:
        vec.idf_ = np.round(vec.idf_, 6)
    model = pipeline.named_steps["model"]
    coef = np.round(model.coef_, settings.digits)
    coef[np.abs(coef) < settings.prune] = 0.0
    model.coef_ = coef
    model.intercept_ = np.round(model.intercept_, settings.digits)


SITUATION_TERMS = 40  # the strongest terms kept per situation (the rest barely move a cosine)


def situation_vectors(pipeline, situations: dict[str, list[str]], settings: Settings) -> dict:
    """Each situation (a curated answer, or a policy sentence with its plain answer) as one unit
    vector over word and concept features: the sum of its texts' TF-IDF vectors. The ranker
    picks the clause; these pick which of its situations a question is about."""
    import numpy as np

    union = dict(pipeline.named_steps["features"].transformer_list)
    weight = {"words": settings.word_weight, "concepts": settings.concept_weight}
    out = {}
    for sid, texts in situations.items():
        terms: dict[str, float] = {}
        for block, vec in union.items():
            if block not in weight:
                continue
            names = vec.get_feature_names_out()
            summed = np.asarray(vec.transform(texts).sum(axis=0)).ravel() * weight[block]
            for j in np.flatnonzero(summed):
                terms[f"{block}:{names[j]}"] = float(summed[j])
        norm = math.sqrt(sum(v * v for v in terms.values())) or 1.0
        strongest = sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:SITUATION_TERMS]
        out[sid] = {k: round(v / norm, settings.digits) for k, v in sorted(strongest)}
    return out


def to_json(
    pipeline, settings: Settings, fingerprint: str, vocabulary: list[str], situations: dict
) -> str:
    """The model file: settings, classes, intercepts, then one line per feature:
    "feature": [idf, "class weight class weight ..."]. Sorted, so the same fit gives the same
    text."""
    model = pipeline.named_steps["model"]
    labels = [str(c) for c in model.classes_]
    union = pipeline.named_steps["features"]
    head = {
        "format": FORMAT,
        "data_sha256": fingerprint,
        "settings": asdict(settings),
        "classes": labels,
        "intercepts": [float(b) for b in model.intercept_],
    }
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"{json.dumps(key)}: {json.dumps(value)},")
    offset = 0
    lines.append('"blocks": {')
    blocks = []
    for name, vec in union.transformer_list:
        vocab = vec.vocabulary_
        rows = []
        for feature, column in sorted(vocab.items()):
            j = offset + column
            weights = " ".join(
                f"{labels[k]} {float(model.coef_[k, j])!r}"
                for k in range(len(labels))
                if model.coef_[k, j] != 0.0
            )
            rows.append(
                f"{json.dumps(feature)}: [{float(vec.idf_[column])!r}, {json.dumps(weights)}]"
            )
        offset += len(vocab)
        blocks.append(f"{json.dumps(name)}: {{\n" + ",\n".join(rows) + "\n}")
    lines.append(",\n".join(blocks))
    lines.append("},")
    lines.append('"situations": {')
    lines.append(
        ",\n".join(f"{json.dumps(sid)}: {json.dumps(terms)}" for sid, terms in situations.items())
    )
    lines.append("},")
    lines.append(f'"vocabulary": {json.dumps(vocabulary)}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def speller_vocabulary(data: list[Example], featurizer: Featurizer) -> list[str]:
    """The words typos are corrected to, most used first: see features.known_words."""
    policy_texts = [e.text for e in data if e.source == "policy"]
    vocab = known_words((e.text for e in data), policy_texts)
    known = set(vocab)
    return vocab + sorted(w for w in featurizer.vocabulary_words() if w not in known)


def fingerprint(data_dir: Path = DATA_DIR) -> str:
    """SHA-256 over the knowledge files the model is trained from (and this trainer's settings):
    a model whose fingerprint differs was trained from other data."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        path = data_dir / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"")
    digest.update(json.dumps(asdict(SETTINGS), sort_keys=True).encode())
    return digest.hexdigest()


def knowledge(data_dir: Path = DATA_DIR):
    """Everything the ranker learns from, as on disk in the bundle `data_dir`."""
    policy = load_policy(data_dir / "policy.yml")
    curated = load_curated(policy, data_dir)
    sentence_answers = load_sentence_answers(policy, data_dir)
    featurizer = Featurizer(curated.synonyms)
    return (
        policy,
        curated,
        sentence_answers,
        featurizer,
        examples(policy, curated, sentence_answers),
    )


def train(settings: Settings = SETTINGS, pipeline=None, data_dir: Path = DATA_DIR) -> str:
    """The model file's text for the knowledge on disk (`pipeline`: already fitted on it)."""
    policy, curated, sentence_answers, featurizer, data = knowledge(data_dir)
    if pipeline is None:
        pipeline = fit(data, featurizer, classes(policy), settings)
    vocabulary = speller_vocabulary(data, featurizer)
    situations = {a.id: [*a.questions, a.answer, *a.quotes] for a in curated.answers}
    situations.update({s.id: [s.quote, s.answer] for s in sentence_answers})
    return to_json(
        pipeline,
        settings,
        fingerprint(data_dir),
        vocabulary,
        situation_vectors(pipeline, situations, settings),
    )


def main(argv: list[str] | None = None) -> int:
    from bot.config import ConfigError, load_config

    parser = argparse.ArgumentParser(prog="python -m knowledge.train", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    parser.add_argument("--bundle", help="the policy bundle's directory (default: EDC_POLICY_DIR)")
    args = parser.parse_args(argv)
    try:
        bundle = load_bundle(Path(args.bundle) if args.bundle else load_config().policy_dir)
        text = train(data_dir=bundle.root)
    except (KnowledgeError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    model_file = bundle.model_file
    current = model_file.read_text(encoding="utf-8") if model_file.exists() else ""
    if args.check:
        ok = current == text
        print("model file is up to date" if ok else "model file is OUT OF DATE: run make train")
        return 0 if ok else 1
    model_file.write_text(text, encoding="utf-8")
    n = text.count("\n")
    print(f"wrote {model_file}: {n} lines, {len(text.encode()) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
