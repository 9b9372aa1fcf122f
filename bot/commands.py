"""Parse what the user typed into a command: `/edc 3.5`, `policy`, `why`, a form's own command
(`report`, from its form file: bot/forms/registry.py), or a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.forms.registry import Forms, current_forms
from knowledge.search import MAX_QUERY_CHARS as MAX_QUESTION_CHARS  # longer is cut, user told

_PREFIX = re.compile(r"^\s*/?edc\b[:,]?\s*", re.IGNORECASE)
_CLAUSE = re.compile(r"^(?:clause|section|item|#|§)?\s*(\d{1,2}(?:\.\d{1,3})?)\.?$", re.IGNORECASE)
WORD_COMMANDS = {
    "help": "help",
    "?": "help",
    "commands": "help",
    "policy": "policy",
    "toc": "policy",
    "contents": "policy",
    "clauses": "policy",
    "why": "why",
    "why?": "why",
    "ack": "ack",
    "acknowledge": "ack",
    "view": "view",
    "status": "status",
    "cancel": "cancel",
    "back": "back",
    "skip": "skip",
    "edit": "edit",
    "submit": "submit",
    "resume": "resume",
    "continue": "resume",
    "drafts": "drafts",
}
_TAKES_ARGUMENT = {"ack", "edit", "view"}
_QUESTION_START = re.compile(
    r"^(do|does|did|can|could|should|would|is|are|am|was|what|how|when|who|whom|why|where|which|"
    r"may|must|if|will)\b",
    re.IGNORECASE,
)
_AUXILIARIES = frozenset(
    [
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "will",
        "is",
        "are",
        "am",
        "was",
        "were",
        "may",
        "might",
        "must",
        "shall",
        "have",
        "has",
    ]
)
_SUBJECTS = frozenset(
    [
        "i",
        "we",
        "you",
        "they",
        "he",
        "she",
        "it",
        "staff",
        "teachers",
        "teacher",
        "employees",
        "employee",
        "a",
        "an",
        "the",
        "my",
        "our",
        "this",
        "that",
        "there",
        "someone",
        "anyone",
        "somebody",
        "anybody",
        "one",
        "parents",
        "parent",
        "students",
        "student",
        "me",
        "coaches",
        "coach",
    ]
)
_WH = frozenset(["what", "how", "when", "who", "whom", "whose", "why", "where", "which"])
_ASK_WORDS = re.compile(r"[a-z0-9']+")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+\S")
_LONGEST_QUESTION = 30  # words; a longer message without "?" is an account, not a question
_GREETING = re.compile(
    r"^(hi|hello|hey|hiya|howdy|good\s+(morning|afternoon|evening))\b[\s!.,?]*(there|edc|bot)?[\s!.?]*$",
    re.IGNORECASE,
)
_THANKS = re.compile(r"^(thanks|thank\s+you|thx|ty|cheers)\b[\s\w!.,]{0,20}$", re.IGNORECASE)
# "when was this policy adopted / last revised / what version": the policy's own metadata.
_ABOUT_POLICY = re.compile(
    r"\b(when|what|which|latest|last)\b.{0,30}\b(adopted|revised|updated|amended|version|"
    r"revision|date)\b|\bwho\s+(wrote|adopted|approved)\b.{0,20}\bpolicy\b",
    re.IGNORECASE,
)
_NAMED_CLAUSE = re.compile(r"^\s*(?:/?edc\s+)?(?:clause|section|item|§)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Command:
    name: str  # "question" | "clause" | "form" | one of WORD_COMMANDS' values | "empty"
    arg: str = ""  # the question, the clause ID, or the rest after the command word
    truncated_from: int = 0  # original length when a question was cut
    form: str = ""  # "form": the name of the form asked for


def clean(text: str) -> str:
    """Drop control characters and surrounding space; keep every printable character."""
    return _CONTROL.sub(" ", text or "").strip()


def parse(text: str, forms: Forms | None = None) -> Command:
    """`forms`: whose commands to recognise (default: the forms in use)."""
    forms = forms or current_forms()
    text = _PREFIX.sub("", clean(text), count=1).strip()
    if not text:
        return Command("empty")
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word in WORD_COMMANDS and (not rest.strip() or WORD_COMMANDS[word] in _TAKES_ARGUMENT):
        return Command(WORD_COMMANDS[word], rest.strip())
    form = forms.by_command(word)
    if form is not None and (not rest.strip() or form.amends_report):
        return Command("form", rest.strip(), form=form.name)
    clause = _CLAUSE.match(text)
    if clause:
        return Command("clause", clause.group(1))
    if not _is_question(text):
        for form in forms.with_command:
            if form.intent and re.search(form.intent, text, re.IGNORECASE):
                return Command("form", form=form.name)
    if _GREETING.match(text):
        return Command("greeting")
    if _THANKS.match(text):
        return Command("thanks")
    if _ABOUT_POLICY.search(text) and "policy" in text.lower():
        return Command("policy")
    if len(text) > MAX_QUESTION_CHARS:
        return Command("question", text[:MAX_QUESTION_CHARS], truncated_from=len(text))
    return Command("question", text)


def _is_question(text: str) -> bool:
    return text.rstrip().endswith("?") or bool(_QUESTION_START.match(text))


def is_question(text: str) -> bool:
    """Whether `text` plainly is a question: it ends with "?", or it is one short sentence
    that opens the way questions do ("can I …", "should staff …", "what should I …").
    Statements that merely start with such a word ("when the bell rang …", "could not reach
    them", "did not answer") are not questions."""
    text = clean(text)
    if text.endswith("?"):
        return True
    words = _ASK_WORDS.findall(text.lower())
    if not 3 <= len(words) <= _LONGEST_QUESTION or _SENTENCE_BREAK.search(text.rstrip(".!")):
        return False
    first, second = words[0], words[1]
    if first in _AUXILIARIES:
        return second in _SUBJECTS
    return first in _WH and (second in _AUXILIARIES or second in ("if", "about", "happens"))


def wants_lookup(text: str) -> bool:
    """Whether `text` plainly asks for the policy itself: "clause 3.5", "section 2", "policy",
    "why". A bare number is not: at a question it is more likely a mistaken answer."""
    command = parse(text)
    if command.name == "clause":
        return bool(_NAMED_CLAUSE.match(clean(text)))
    return command.name in ("policy", "why")
