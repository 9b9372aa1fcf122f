"""What the ranker sees in a text: three blocks of features, one analyzer each.

- words: content words (stemmed), the question's intent tokens, adjacent content-word pairs, and
  adjacent token pairs with the function words kept ("to+parent", "from+my", "can+i"): how the
  words are put together tells clauses apart that share their topic words;
- chars: character 3–5-grams of every word, function words too, padded with spaces (typos and
  word forms meet);
- concepts: the canonical terms the synonym table maps the text's phrases to ("dm a kid on
  insta" → private message, student, unnamed app), so a question and a policy sentence meet
  even when they share no word; and every two of a text's concepts together.

The same functions serve training (knowledge/train.py, through scikit-learn's vectorizers) and
the run-time scorer (knowledge/model.py), so both see exactly the same features.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.chatter import strip_chatter
from knowledge.focus import FOCUS_REPEAT, focus_start
from knowledge.normalize import STOPWORDS, content, fold, stem, words

# How a question is asked says what its topic words don't: "when is…", "who do i call…" are how
# staff ask about logistics; "can i…", "should i…" how they ask about conduct. Those words are
# stopwords to the topic, so a question gets them back as intent tokens: its opening word
# ("?can") and every wh-word in it ("??when").
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
# "IT" written in capitals is the department, not the pronoun (a stopword): "can IT read my
# email". It becomes the token "itdept", which the synonym table maps like any other word.
_IT_DEPARTMENT = re.compile(r"\bIT\b")
IT_TOKEN = "itdept"
# A synonym phrase written with "my" ("my phone") also fires on "his phone", "their phone":
# possessives are one token to the phrase matcher.
POSSESSIVES = frozenset(["my", "his", "her", "their", "our", "your"])
PHRASE_JOIN = "+"  # joins a token pair; no word has it (words split on everything but a-z0-9#)
CHAR_NGRAMS = (3, 5)
MIN_TYPO_LEN = 4  # shorter words are too ambiguous to correct ("fb", "dm", "pic")
LONG_WORD = 7  # from this length two edits are still a typo; below it, one
# An edit is an inserted, deleted or changed letter, or two neighbours swapped ("txet").


def concept_token(term: str) -> str:
    return "~" + "_".join(words(term))


def intent_tokens(seq: list[str]) -> list[str]:
    opener = ["?" + seq[0]] if seq and seq[0] in OPENERS else []
    return opener + ["??" + w for w in dict.fromkeys(seq) if w in WH_WORDS]


def is_intent(token: str) -> bool:
    return token.startswith("?")


def phrase_pairs(seq: list[str]) -> list[str]:
    """Every two adjacent tokens, stopwords included ("email to a parent" has "to+parent", "can I
    email from my phone" has "from+my"): the function words say how the topic words relate."""
    return [f"{a}{PHRASE_JOIN}{b}" for a, b in zip(seq, seq[1:])]


def is_phrase(token: str) -> bool:
    """A token pair: it says how a question is put, not what it is about."""
    return PHRASE_JOIN in token


def mark_it_department(text: str) -> str:
    """'IT' in capitals → the department token, unless the whole text is shouted."""
    if "IT" not in text or text.upper() == text:
        return text
    if sum(c.isupper() for c in text) > 0.5 * sum(c.isalpha() for c in text):
        return text
    return _IT_DEPARTMENT.sub(IT_TOKEN, text)


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(words(mark_it_department(strip_chatter(text))))


def tokens(text: str) -> list[str]:
    """The text's word tokens, stemmed, stopwords kept (phrases need them)."""
    return list(_tokens(text))


def _possessive(word: str) -> str:
    return "my" if word in POSSESSIVES else word


class Featurizer:
    """The three analyzers, built once from the synonym table."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]]) -> None:
        self.synonyms = synonyms
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self.labels: dict[str, str] = {}  # concept token → canonical term, for explanations
        for term, phrases in synonyms.items():
            token = concept_token(term)
            self.labels[token] = term
            for phrase in (term, *phrases):
                seq = tuple(_possessive(w) for w in words(phrase))
                # "my personal phone" also stands for "a personal phone", "personal phone";
                # not "my page" for "page": one word alone is too general.
                variants = [seq, seq[1:]] if seq[0] == "my" and len(seq) >= 3 else [seq]
                for variant in variants:
                    # "canned" stems to "can": a phrase of stopwords alone would fire everywhere.
                    if content(list(variant)):
                        self._phrases[variant[0]].append((variant, token))
        for entries in self._phrases.values():
            entries.sort(key=lambda e: -len(e[0]))  # longest phrase first

    def word_features(self, text: str) -> list[str]:
        """Words, pairs and intent tokens; those of the question after a story once more for
        each FOCUS_REPEAT (knowledge/focus.py)."""
        return _with_focus(tokens(text), focus_start(_raw_words(text)), self._word_features)

    @staticmethod
    def _word_features(seq: Sequence[str]) -> list[str]:
        kept = content(seq)
        pairs = [f"{a} {b}" for a, b in zip(kept, kept[1:])]
        return kept + pairs + phrase_pairs(seq) + intent_tokens(seq)

    def char_features(self, text: str) -> list[str]:
        """Every word's character n-grams, the function words' too ("to a parent" and "on my
        phone" show in " to ", " my " as well as in the word and pair features); those of the
        question after a story once more for each FOCUS_REPEAT (knowledge/focus.py)."""
        raw = _raw_words(text)
        return _with_focus(raw, focus_start(raw), _grams)

    def concept_features(self, text: str) -> list[str]:
        """The text's concepts, and every two of them together ("~student+~text_message"): a
        clause is often about a combination (email with parents), not one concept."""
        found = self.concepts(text)
        distinct = sorted(set(found))
        pairs = [f"{a}{PHRASE_JOIN}{b}" for n, a in enumerate(distinct) for b in distinct[n + 1 :]]
        return found + pairs

    def concepts(self, text: str) -> list[str]:
        """The concept tokens of the synonym-table phrases in the text, in order. A phrase listed
        under several terms stands for each of them ("tiktok": social networking, and an app
        the policy does not name)."""
        seq = [_possessive(w) for w in tokens(text)]
        found = []
        for i, word in enumerate(seq):
            entries = self._phrases.get(word, ())
            for phrase, _ in entries:
                if tuple(seq[i : i + len(phrase)]) == phrase:
                    found += dict.fromkeys(t for p, t in entries if p == phrase)
                    break
        return found

    def vocabulary_words(self) -> set[str]:
        """The words the synonym phrases are made of (known to the speller)."""
        return {w for entries in self._phrases.values() for seq, _ in entries for w in seq}


def _with_focus(seq: Sequence[str], k: int, features: Callable[[Sequence[str]], list[str]]):
    """The features of a word sequence, and those of the question after a story (from word
    `k` on; 0: no story) FOCUS_REPEAT more times."""
    return features(seq) + (features(seq[k:]) * FOCUS_REPEAT if k else [])


def _grams(words: Sequence[str]) -> list[str]:
    return [g for word in words for g in _word_grams(word)]


@lru_cache(maxsize=16384)
def _word_grams(word: str) -> tuple[str, ...]:
    """A word's character 3–5-grams, padded with spaces. Cached: staff reuse their words, and
    slicing them afresh was a third of a lookup's feature time."""
    low, high = CHAR_NGRAMS
    padded = f" {word} "
    return tuple(
        padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)
    )


@lru_cache(maxsize=1024)
def _raw_words(text: str) -> tuple[str, ...]:
    """Folded words, not stemmed (character n-grams see word forms themselves). Cached: the word
    and character analyzers both need them."""
    folded = fold(mark_it_department(strip_chatter(text)))
    return tuple(w for w in re.split(r"[^a-z0-9#]+", folded) if w)


class Speller:
    """Corrects a word the knowledge base doesn't use to the nearest word it does use."""

    def __init__(self, vocabulary: list[str]) -> None:
        """`vocabulary`: most used first — of two words as near, the commoner wins."""
        self._known = frozenset(vocabulary)
        self._choices = [w for w in vocabulary if len(w) >= MIN_TYPO_LEN - 1]

    def correct(self, text: str) -> str:
        """The text without its chat (greetings, thanks: knowledge/chatter.py), misspelt words
        replaced (it is re-analysed afterwards)."""
        out = []
        for word in re.split(r"[^a-z0-9#]+", fold(mark_it_department(strip_chatter(text)))):
            out.append(self._word(word) if word else "")
        return " ".join(w for w in out if w)

    def _word(self, word: str) -> str:
        if (
            len(word) < MIN_TYPO_LEN
            or word in self._known
            or stem(word) in self._known
            or word in STOPWORDS
            or word.isdigit()
        ):
            return word
        return self._nearest(word)

    @lru_cache(maxsize=8192)  # noqa: B019 — the speller lives as long as the process
    def _nearest(self, word: str) -> str:
        edits = 2 if len(word) >= LONG_WORD else 1
        best = process.extractOne(word, self._choices, scorer=OSA.distance, score_cutoff=edits)
        return best[0] if best else word


def known_words(texts, always=()) -> list[str]:
    """The speller's vocabulary: the folded words (stemmed and not) that at least two of these
    texts use, and every word of `always` (the policy, the synonym table). The curated
    questions keep staff's typos on purpose ("studnet"); a word only one of them has is not
    taken as correct spelling."""
    seen: dict[str, int] = {}
    for text in texts:
        raw = _raw_words(text)
        for word in {*raw, *(stem(w) for w in raw)}:
            seen[word] = seen.get(word, 0) + 1
    for text in always:
        raw = _raw_words(text)
        for word in {*raw, *(stem(w) for w in raw)}:
            seen[word] = max(seen.get(word, 0), 2)
    return sorted((w for w, n in seen.items() if n >= 2), key=lambda w: (-seen[w], w))
