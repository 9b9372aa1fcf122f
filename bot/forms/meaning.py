"""What a reply means at a yes/no or a pick-one question, read the way staff write.

Staff rarely type a bare "yes": they write "yeah", "no there wasn't", "correct, there was no
other way", "my own cell". These functions read such replies by meaning and return the stored
value, or "" when the reply does not say (then the dialog asks again with the accepted forms).
The rules are small and explainable, in order:

yes/no
1. A whole reply that is a known short form ("yep", "not really", "i don't think so").
2. A leading "yes"/"no" word ("nope, the office was closed"). If the field's own words say the
   opposite ("yes, there was no other way"), the reply is ambiguous and the question is asked
   again rather than guessed.
3. The field's own words (`yes_words` / `no_words` in the form definition): "closed" means no at
   "could you have reached them another way?". A word right after a negation ("not urgent",
   "nothing confidential") counts for the other side.
4. A plain statement: a negation ("there wasn't", "it was not") is no; an agreement ("correct",
   "it was", "i did") is yes.

choice
A choice's number, value or label; then the choice whose label or `choice_words` appear in the
reply ("my own cell" → Personal cell). Words in a possessive ("the student's mother") describe
another choice's word and do not count. Two choices named at once is not an answer.
"""

from __future__ import annotations

import re

_YES_WORDS = frozenset(
    [
        "yes",
        "y",
        "ye",
        "yea",
        "yeah",
        "yeh",
        "yep",
        "yup",
        "ya",
        "yah",
        "sure",
        "correct",
        "right",
        "true",
        "affirmative",
        "absolutely",
        "definitely",
        "certainly",
        "indeed",
        "exactly",
        "ok",
        "okay",
        "yessir",
        "mhm",
        "si",
        "sí",
        "oui",
    ]
)
_YES_PHRASES = frozenset(
    {
        "it was",
        "it is",
        "i did",
        "we did",
        "i could",
        "we could",
        "i do",
        "of course",
        "that's right",
        "that is right",
        "thats right",
        "i think so",
        "i believe so",
        "i guess so",
        "it did",
        "there was",
        "uh huh",
        "you bet",
        "for sure",
        "very much so",
    }
)
_NO_PHRASES = frozenset(
    {
        "no",
        "n",
        "nope",
        "nah",
        "naw",
        "never",
        "negative",
        "none",
        "not really",
        "not at all",
        "no way",
        "not quite",
        "i don't think so",
        "i dont think so",
        "don't think so",
        "it wasn't",
        "it was not",
        "there wasn't",
        "there was not",
        "i couldn't",
        "i could not",
        "i didn't",
        "i did not",
        "we didn't",
        "we couldn't",
        "it didn't",
        "nothing",
        "not",
        "false",
        "incorrect",
        "wrong",
        "nay",
    }
)
_YES_LEAD = frozenset(
    {"yes", "yeah", "yea", "yep", "yup", "ya", "yah", "sure", "absolutely", "definitely"}
    | {"certainly", "affirmative", "indeed"}
)
_NO_LEAD = frozenset({"nope", "nah", "naw", "negative", "never"})
# "no" leads a reply when it stands alone: "no.", "no there wasn't", "no, i couldn't"; not when
# it is part of a phrase ("no time to lose", "no other way" — those are read as statements).
_AFTER_LEADING_NO = frozenset(
    {"there", "it", "i", "we", "they", "he", "she", "not", "sorry", "really", "never", "nope"}
    | {"that", "thats", "that's", "because", "but", "definitely", "absolutely", "unfortunately"}
)
_AGREEMENT = frozenset(
    {"correct", "right", "true", "exactly", "yes", "yeah", "yep", "affirmative", "agreed"}
)
_NEGATION = re.compile(
    r"\b(?:no|not|never|none|nothing|nobody|neither|without|cannot|nor)\b|n't\b|\bnt\b"
)
_AFFIRMATION = re.compile(
    r"^(?:it|there|i|we|that|this)\s+(?:was|is|did|could|do|had|were)\b|"
    r"\b(?:correct|absolutely|definitely|certainly)\b"
)
# Not an answer either way: asked again, never read as "no" because of the "not".
_UNSURE = re.compile(
    r"\b(?:not sure|unsure|don'?t know|do not know|dunno|idk|no idea|not certain|maybe|perhaps|"
    r"possibly|sort of|kind of|can'?t remember|cannot remember|don'?t remember)\b"
)
_SHORT_STATEMENT = 3  # "it was", "it was urgent": longer plain statements need the field's words
_CLAUSES = re.compile(r"[,.;:!?—–()]|\s-\s|\bbut\b|\bso\b|\bbecause\b")
_WORDS = re.compile(r"[a-z0-9']+")
_NEGATION_REACH = 3  # a negation covers this many words after it: "not an emergency"


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation as spaces, one space between words."""
    text = (text or "").lower().replace("’", "'").replace("‘", "'")
    return " ".join(_WORDS.findall(text))


def yes_or_no(text: str, *, yes_words=(), no_words=()) -> str:
    """'yes', 'no', or '' when the reply does not clearly say which."""
    said = normalise(text)
    if not said or _UNSURE.search(said):
        return ""
    if said in _YES_WORDS or said in _YES_PHRASES:
        return "yes"
    if said in _NO_PHRASES:
        return "no"
    words = said.split()
    lead = _lead(words, text)
    own = _field_words(text, yes_words, no_words)
    if lead:
        return "" if own and own != lead else lead
    if own:
        return own
    if _NEGATION.search(said):
        return "no"
    if words[0] in _AGREEMENT or (len(words) <= _SHORT_STATEMENT and _AFFIRMATION.search(said)):
        return "yes"
    return ""


def _lead(words: list[str], raw: str) -> str:
    first = words[0]
    if first in _YES_LEAD:
        return "no" if words[1:2] == ["not"] else "yes"  # "absolutely not"
    if first in _NO_LEAD:
        return "no"
    if first == "no":
        stands_alone = len(words) == 1 or re.match(r"^\s*no\s*[,.;:!—–-]", raw.lower())
        if stands_alone or words[1] in _AFTER_LEADING_NO:
            return "no"
    return ""


def _field_words(text: str, yes_words, no_words) -> str:
    """What the field's own words say: 'yes', 'no', '' (none found) — or '' when both sides.
    A negation reaches only within its clause: in "no, i could have" the "no" is its own."""
    sides = set()
    for clause in _CLAUSES.split(text.lower()):
        said = normalise(clause)
        for side, phrases in (("yes", yes_words), ("no", no_words)):
            for phrase in phrases:
                for match in re.finditer(rf"\b{re.escape(normalise(phrase))}\b", said):
                    negated = _negated(said[: match.start()])
                    sides.add(side if not negated else ("no" if side == "yes" else "yes"))
    return sides.pop() if len(sides) == 1 else ""


def _negated(before: str) -> bool:
    """Whether one of the last few words before a phrase negates it ("not urgent")."""
    recent = " ".join(before.split()[-_NEGATION_REACH:])
    return bool(_NEGATION.search(recent))


def pick(text: str, choices, words=()) -> str:
    """The stored value of the choice the reply names, or ''. `choices`: (value, label) pairs;
    `words`: per choice, other words that name it."""
    said = normalise(text)
    if not said:
        return ""
    for n, (value, label) in enumerate(choices, 1):
        if said in (str(n), normalise(value), normalise(label)):
            return value
    starts = [value for value, label in choices if normalise(label).startswith(said)]
    if len(starts) == 1:  # "p", "pa", "school-iss…"
        return starts[0]
    named = _named(said, choices, words)
    if len(named) > 1:  # "the student's mother" names the mother: drop the possessive
        named = _named(re.sub(r"\b\w+'s\b", " ", said), choices, words)
    return named.pop() if len(named) == 1 else ""


def _named(said: str, choices, words) -> set[str]:
    named = set()
    for n, (value, label) in enumerate(choices):
        names = [
            normalise(label),
            normalise(value.replace("_", " ")),
            *map(normalise, _at(words, n)),
        ]
        if any(name and re.search(rf"\b{re.escape(name)}\b", said) for name in names):
            named.add(value)
    return named


def _at(words, n: int) -> tuple[str, ...]:
    return tuple(words[n]) if n < len(words) else ()
