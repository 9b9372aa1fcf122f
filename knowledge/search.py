"""The clause lookup: rank clauses for a question, decide whether to answer, pick what to say.

A learned ranker (knowledge/model.py, trained by knowledge/train.py) gives every clause and
"out of scope" a calibrated probability. The bot answers when the chance that the policy covers
the question reaches the decision point chosen by cross-validation; the confidence it reports is
the calibrated chance that its first clause is the right one. Within the first clause it picks
the situation the question is about — a curated answer, or a policy sentence with its authored
plain answer — so every answer has a verdict, a plain answer and a verbatim quote. A runner-up
clause nearly as likely as the first is reported too: the reply says it may also apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from knowledge.bundle import Bundle, load_bundle
from knowledge.curated import OUT_OF_SCOPE, Curated, ShortAnswer, load_curated, load_questions
from knowledge.features import Featurizer, Speller, is_intent, is_phrase
from knowledge.model import Model, load_model
from knowledge.policy import Policy, load_policy
from knowledge.sentences import load_sentence_answers

MAX_QUERY_CHARS = 1000  # longer text is cut: a question is never this long, and cost stays flat
ALSO_RATIO = 0.5  # a runner-up clause this likely relative to the first "may also apply"
ALSO_MIN = 0.15  # ...and at least this likely in itself
WHY_TERMS = 6  # features named by "why"


@dataclass(frozen=True)
class SearchResult:
    query: str
    answered: bool
    confidence: float  # calibrated chance (0..1) that the first clause is the right one
    clauses: tuple[str, ...]  # ranked, best first (suggestions when not answered)
    quote: tuple[str, ...] = ()  # verbatim passages of the first clause, in policy order
    answer: ShortAnswer | None = None  # verdict and plain answer the quote rests on
    why: tuple[str, ...] = ()  # the words and terms that weighed most for the first clause
    scores: dict[str, float] = field(default_factory=dict)  # clause -> probability
    closest_unrelated: str = ""  # when declining: the nearest curated out-of-scope question
    also: tuple[ShortAnswer, ...] = ()  # runner-up clauses that may apply as well
    in_scope: float = 0.0  # calibrated chance that the policy covers the question

    @property
    def related(self) -> tuple[str, ...]:
        """The next clauses in the ranking: the nearest others, offered to read."""
        return self.clauses[1:]


class Index:
    """Built once at start-up; `search` is read-only and safe to call from many threads."""

    def __init__(
        self, policy: Policy, curated: Curated, model: Model, bundle: Bundle | None = None
    ) -> None:
        self.bundle = bundle or load_bundle()  # where the policy came from, and its rules
        self.policy = policy
        self.curated = curated
        self.model = model
        self.featurizer = model.featurizer
        self.speller = Speller(model.vocabulary)
        self.answer_threshold = model.settings["decline_below"]
        sentence_answers = load_sentence_answers(policy, self.bundle.root)
        self._situations: dict[str, list[ShortAnswer]] = {}
        # (block, feature) -> [(situation id, weight)]: a question's few features find them
        self._situation_terms: dict[tuple[str, str], list[tuple[str, float]]] = {}
        for a in (*curated.answers, *sentence_answers):
            self._situations.setdefault(a.clause, []).append(a)
            for key, w in model.situations.get(a.id, {}).items():
                self._situation_terms.setdefault(key, []).append((a.id, w))

    def search(self, query: str) -> SearchResult:
        text = self.speller.correct(query[:MAX_QUERY_CHARS])
        vector = self.model.vector(text)
        if not vector:
            return SearchResult(query, False, 0.0, ())
        p = self.model.probabilities(vector)
        ranked = sorted((c for c in p if c != OUT_OF_SCOPE), key=lambda c: -p[c])
        top = ranked[0]
        in_scope = 1.0 - p[OUT_OF_SCOPE]
        confidence = round(self.model.confidence(p[top], in_scope), 3)
        scores = {c: round(p[c], 4) for c in ranked}
        # Situations, the why and the closest unrelated question go by words and concepts: the
        # character n-grams (most of a question's features) are left out of them once, here.
        terms = {key: x for key, x in vector.items() if key[0] != "chars"}
        why = self._why(terms, top)
        answered = in_scope >= self.answer_threshold
        if not answered:
            return SearchResult(
                query,
                False,
                confidence,
                tuple(ranked[:3]),
                why=why,
                scores=scores,
                closest_unrelated=self._closest_unrelated(terms),
                in_scope=round(in_scope, 3),
            )
        answer = self._situation(top, terms)
        also = tuple(
            self._situation(c, terms)
            for c in ranked[1:3]
            if p[c] >= max(ALSO_MIN, ALSO_RATIO * p[top])
        )
        return SearchResult(
            query,
            True,
            confidence,
            tuple(ranked[:3]),
            answer.quotes,
            answer,
            why,
            scores,
            also=also,
            in_scope=round(in_scope, 3),
        )

    def _situation(self, clause_id: str, vector: dict) -> ShortAnswer:
        """The clause's curated answer or sentence closest to the question (cosine over word
        and concept features); a curated answer wins a tie, the first sentence an all-zero."""
        score: dict[str, float] = {}
        for key, x in vector.items():
            for sid, w in self._situation_terms.get(key, ()):
                score[sid] = score.get(sid, 0.0) + x * w
        best, best_score = None, -1.0
        for situation in self._situations[clause_id]:
            if score.get(situation.id, 0.0) > best_score + 1e-12:
                best, best_score = situation, score.get(situation.id, 0.0)
        return best

    def _why(self, terms: dict, label: str) -> tuple[str, ...]:
        """The words and synonym-table terms that pushed hardest towards `label`; character
        n-grams (not in `terms`), intent tokens and token pairs are left out (they explain
        nothing to a reader)."""
        by_name: dict[str, float] = {}
        for (_, feature), value in self.model.contributions(terms, label).items():
            if value <= 0 or is_intent(feature) or is_phrase(feature):
                continue
            name = self.featurizer.labels.get(feature, feature)
            by_name[name] = by_name.get(name, 0.0) + value
        ranked = sorted(by_name, key=lambda n: -by_name[n])
        return tuple(ranked[:WHY_TERMS])

    def _closest_unrelated(self, vector: dict) -> str:
        """The curated out-of-scope question sharing the most weight of words with this one."""
        questions, postings = self._unrelated
        score: dict[int, float] = {}
        for key, x in vector.items():
            for n in postings.get(key, ()):
                score[n] = score.get(n, 0.0) + x
        best = max(score, key=lambda n: (score[n], -n), default=None)
        return questions[best] if best is not None else ""

    @cached_property
    def _unrelated(self) -> tuple[list[str], dict[tuple[str, str], list[int]]]:
        """The out-of-scope questions and, per word feature, which of them have it. Read on the
        first decline: the question variants are not loaded at start-up."""
        questions = list(
            (self.curated.questions or load_questions(self.policy, self.bundle.root)).get(
                OUT_OF_SCOPE, ()
            )
        )
        postings: dict[tuple[str, str], list[int]] = {}
        for n, question in enumerate(questions):
            for feature in set(self.featurizer.word_features(question)):
                if is_phrase(feature):
                    continue  # "do+i", "in+my": shared by far too many questions to tell
                postings.setdefault(("words", feature), []).append(n)
        return questions, postings


def build_index(policy: Policy | None = None, bundle: Bundle | None = None) -> Index:
    """The index of a policy bundle (default: the EDC bundle, policies/edc)."""
    bundle = bundle or load_bundle()
    policy = policy or load_policy(bundle.policy_file)
    curated = load_curated(policy, bundle.root, questions=False)
    model = load_model(bundle.model_file, Featurizer(curated.synonyms))
    return Index(policy, curated, model, bundle)
