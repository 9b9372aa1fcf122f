"""Turn free text into comparable tokens: case, punctuation, contractions, light stemming.

Queries and knowledge entries go through the same functions, so what matters is consistency,
not linguistic perfection.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
_CONTRACTIONS = (
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\b(i|you|we|they)'(m|re|ve|ll|d)\b"), r"\1"),
    (re.compile(r"'s\b"), ""),
)
_NON_WORD = re.compile(r"[^a-z0-9#]+")
# Slack-style markup: <@U123>, <!channel>, <http://x|label> — keep only a link's label.
_SLACK_MARKUP = re.compile(r"<([@#!][^>|]*)(?:\|([^>]*))?>|<(?:https?|mailto):[^>|]*\|([^>]*)>")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "i",
        "me",
        "my",
        "mine",
        "myself",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "she",
        "him",
        "her",
        "his",
        "hers",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "ok",
        "okay",
        "just",
        "like",
        "really",
        "actually",
        "also",
        "so",
        "too",
        "very",
        "about",
        "into",
        "over",
        "out",
        "up",
        "down",
        "off",
        "than",
        "then",
        "any",
        "some",
        "all",
        "each",
        "every",
        "no",
        "not",
        "nor",
        "only",
        "own",
        "same",
        "such",
        "other",
        "another",
        "more",
        "most",
        "am",
        "im",
        "ive",
        "id",
        "get",
        "got",
        "have",
        "has",
        "had",
        "having",
        "let",
        "lets",
        "want",
        "wants",
        "need",
        "needs",
        "one",
        "ones",
        "thing",
        "things",
        "stuff",
        "anything",
        "something",
        "someone",
        "anyone",
        "lol",
        "pls",
        "please",
        "hey",
        "hi",
        "thanks",
        "thank",
        "yeah",
        "yes",
        "still",
        "even",
        "way",
        "kind",
        "sort",
        "bit",
        "lot",
        "lots",
        "basically",
        "say",
        "says",
        "said",
        "allowed",
        "allow",
    ]
)

_SUFFIXES = ("ies", "ing", "ed", "es", "s")


def fold(text: str) -> str:
    """Lower-case, strip accents and Slack markup, unify quotes, expand contractions."""
    text = _SLACK_MARKUP.sub(lambda m: " " + (m.group(2) or m.group(3) or "") + " ", text)
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return text


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately small stemmer: texting/texted/texts → text, replies → reply."""
    if len(word) <= 4 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            base = word[: -len(suffix)]
            # friending → friend, emailed → email, posted → post; "shipped" → "ship"
            if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]
            return base
    if word.endswith("es") and word[-3] in "sxz" or word.endswith(("ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """All word tokens, stemmed, stopwords kept (phrase matching needs them)."""
    return [stem(w) for w in _NON_WORD.split(fold(text)) if w]


def content(tokens: list[str]) -> list[str]:
    """Drop stopwords and one-letter tokens."""
    return [t for t in tokens if len(t) > 1 and t not in STOPWORDS]
