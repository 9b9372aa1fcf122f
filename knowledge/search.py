"""The clause lookup: rank clauses for a question, decide whether to answer, pick the quote.

Every knowledge text is a small document labelled with its clause: each policy sentence, each
curated question variant, each curated answer's trigger questions, and the out-of-scope
questions (label "none"). A question is compared with all of them by TF-IDF cosine over
features (content words + canonical terms, see features.py); a clause scores the best of its
documents. The bot answers when the best clause is clearly ahead of "none" and above a floor;
otherwise it declines and offers the closest clauses.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from knowledge.curated import OUT_OF_SCOPE, Curated, ShortAnswer, load_curated
from knowledge.features import Featurizer
from knowledge.policy import Policy, load_policy

ANSWER_THRESHOLD = 0.5  # confidence below which the bot declines (chosen on the dev set)
SENTENCE_WEIGHT = 0.85  # policy sentences count a little less than curated staff questions
CONCEPT_WEIGHT = 1.3  # a canonical-term match says more than a shared word
RELATED_RATIO = 0.6  # a runner-up within this share of the best is offered as related
MAX_QUOTE_SENTENCES = 2
MAX_QUERY_CHARS = 1000  # longer text is cut: a question is never this long, and cost stays flat


@dataclass(frozen=True)
class Doc:
    label: str  # clause ID or "none"
    kind: str  # "sentence" | "variant" | "answer"
    text: str
    answer_id: str = ""


@dataclass(frozen=True)
class SearchResult:
    query: str
    answered: bool
    confidence: float
    clauses: tuple[str, ...]  # ranked, best first (suggestions when not answered)
    quote: tuple[str, ...] = ()  # verbatim sentences of the best clause; empty when declining
    answer: ShortAnswer | None = None
    why: tuple[str, ...] = ()  # the words and terms that matched
    scores: dict[str, float] = field(default_factory=dict)


class Index:
    """Built once at start-up; `search` is read-only and safe to call from many threads."""

    def __init__(self, policy: Policy, curated: Curated) -> None:
        self.policy = policy
        self.curated = curated
        self.featurizer = Featurizer(curated.synonyms)
        self.docs = self._collect_docs()
        for doc in self.docs:
            self.featurizer.learn(doc.text)
        doc_features = [self.featurizer.features(d.text) for d in self.docs]
        self._idf = _idf(doc_features)
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, feats in enumerate(doc_features):
            for term, weight in self._vector(feats).items():
                self._postings[term].append((i, weight))
        self._doc_features = doc_features

    def _collect_docs(self) -> list[Doc]:
        docs = [
            Doc(c.id, "sentence", s) for c in self.policy.clauses for s in (c.title, *c.sentences)
        ]
        for label, variants in self.curated.questions.items():
            docs += [Doc(label, "variant", q) for q in variants]
        for a in self.curated.answers:
            docs += [Doc(a.clause, "answer", q, a.id) for q in a.questions]
            docs.append(Doc(a.clause, "answer", a.answer, a.id))
        return docs

    def _vector(self, feats: list[str]) -> dict[str, float]:
        counts = Counter(feats)
        vec = {
            t: (1 + math.log(n)) * self._idf.get(t, 0.0) * (CONCEPT_WEIGHT if t[0] == "~" else 1.0)
            for t, n in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        return {t: w / norm for t, w in vec.items() if w}

    def search(self, query: str) -> SearchResult:
        feats = self.featurizer.features(query[:MAX_QUERY_CHARS], correct=True)
        qvec = self._vector(feats)
        sims: dict[int, float] = defaultdict(float)
        for term, qw in qvec.items():
            for i, dw in self._postings.get(term, ()):
                sims[i] += qw * dw
        best: dict[str, tuple[float, int]] = {}
        for i, sim in sims.items():
            doc = self.docs[i]
            score = sim * (SENTENCE_WEIGHT if doc.kind == "sentence" else 1.0)
            if score > best.get(doc.label, (0.0, -1))[0]:
                best[doc.label] = (score, i)
        return self._result(query, qvec, best)

    def _result(self, query, qvec, best) -> SearchResult:
        none_score = best.pop(OUT_OF_SCOPE, (0.0, -1))[0]
        ranked = sorted(best, key=lambda cid: -best[cid][0])
        scores = {cid: round(best[cid][0], 4) for cid in ranked}
        if not ranked:
            return SearchResult(query, False, 0.0, (), scores=scores)
        top_score, top_doc = best[ranked[0]]
        confidence = _confidence(top_score, none_score)
        answered = confidence >= ANSWER_THRESHOLD
        clauses = tuple(ranked[:3]) if answered else tuple(ranked[:3])
        if not answered:
            return SearchResult(query, False, confidence, clauses, scores=scores)
        doc = self.docs[top_doc]
        answer = self.curated.answer(doc.answer_id) if doc.kind == "answer" else None
        quote = (answer.quote,) if answer else self._quote(ranked[0], qvec, top_doc)
        return SearchResult(
            query, True, confidence, clauses, quote, answer, self._why(qvec, top_doc), scores
        )

    def _quote(self, clause_id: str, qvec: dict[str, float], top_doc: int) -> tuple[str, ...]:
        """The sentence(s) of the clause closest to the question and the variant it matched."""
        clause = self.policy.clause(clause_id)
        sentences = clause.sentences
        if len(sentences) <= 1:
            return sentences
        probe = dict(qvec)
        for term in self._doc_features[top_doc]:
            probe[term] = probe.get(term, 0.0) + 0.5 * self._idf.get(term, 0.0)
        scored = []
        for n, sentence in enumerate(sentences):
            svec = self._vector(self.featurizer.features(sentence))
            scored.append((sum(w * svec.get(t, 0.0) for t, w in probe.items()), n))
        scored.sort(reverse=True)
        best_score = scored[0][0]
        keep = [n for s, n in scored[:MAX_QUOTE_SENTENCES] if s >= 0.75 * best_score and s > 0]
        return tuple(sentences[n] for n in sorted(keep or [0]))

    def _why(self, qvec: dict[str, float], doc_index: int) -> tuple[str, ...]:
        shared = [t for t in qvec if t in set(self._doc_features[doc_index])]
        shared.sort(key=lambda t: -qvec[t])
        labels = self.featurizer.labels
        return tuple(dict.fromkeys(labels.get(t, t) for t in shared))


def _confidence(top: float, none: float) -> float:
    """Map the best clause score and the out-of-scope score to 0..1.

    The top score's strength (a cosine in 0..1) is discounted by how close the best
    out-of-scope question came: a question that resembles "when is picture day" as much as any
    policy text is not one the policy answers.
    """
    if top <= 0:
        return 0.0
    lead = top / (top + none) if none > 0 else 1.0
    strength = min(1.0, top / 0.6)
    return round(math.sqrt(strength * lead), 3)


def _idf(doc_features: list[list[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for feats in doc_features:
        df.update(set(feats))
    n = len(doc_features)
    return {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}


def build_index(policy: Policy | None = None) -> Index:
    policy = policy or load_policy()
    return Index(policy, load_curated(policy))
