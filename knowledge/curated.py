"""Load the curated knowledge an admin edits: question variants, synonyms, short answers.

Every entry is validated on load; a bad one raises KnowledgeError naming the file and entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import KnowledgeError
from knowledge.policy import DATA_DIR, Policy, _read_yaml, normalise_space

VERDICTS = (
    "Prohibited",
    "Required",
    "Discouraged",
    "Allowed with conditions",
    "For your information",
)
OUT_OF_SCOPE = "none"  # the questions.yml key for questions the policy does not answer
GAP = " … "  # joins quoted passages that are not next to each other in the policy


@dataclass(frozen=True)
class ShortAnswer:
    id: str
    clause: str
    verdict: str
    answer: str
    quote: str  # verbatim; passages that are not adjacent in the clause are joined by GAP
    questions: tuple[str, ...]

    @property
    def quotes(self) -> tuple[str, ...]:
        """The quoted passages, each one contiguous, verbatim span of the clause."""
        return tuple(self.quote.split(GAP))


@dataclass(frozen=True)
class Curated:
    questions: dict[str, tuple[str, ...]]  # clause ID (or "none") → variants
    synonyms: dict[str, tuple[str, ...]]  # canonical term → everyday phrases
    answers: tuple[ShortAnswer, ...]

    def answer(self, answer_id: str) -> ShortAnswer | None:
        return next((a for a in self.answers if a.id == answer_id), None)


def load_curated(policy: Policy, data_dir: Path = DATA_DIR, *, questions: bool = True) -> Curated:
    """`questions=False` leaves the question variants out (the served ranker has learned them;
    only a decline's "why" needs them, and load_questions reads them then)."""
    return Curated(
        questions=load_questions(policy, data_dir) if questions else {},
        synonyms=_synonyms(data_dir / "synonyms.yml"),
        answers=_answers(policy, data_dir / "answers.yml"),
    )


def load_questions(policy: Policy, data_dir: Path = DATA_DIR) -> dict[str, tuple[str, ...]]:
    path = data_dir / "questions.yml"
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: expected a mapping of clause ID to questions")
    out: dict[str, tuple[str, ...]] = {}
    for key, items in data.items():
        cid = str(key)
        if cid != OUT_OF_SCOPE and policy.clause(cid) is None:
            raise KnowledgeError(f"{path.name}: unknown clause ID {cid!r}")
        out[cid] = _strings(items, f"{path.name}: clause {cid}")
    return out


def _synonyms(path: Path) -> dict[str, tuple[str, ...]]:
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: expected a mapping of term to everyday phrases")
    return {
        str(term): _strings(items, f"{path.name}: term {term!r}") for term, items in data.items()
    }


def _answers(policy: Policy, path: Path) -> tuple[ShortAnswer, ...]:
    data = _read_yaml(path) or []
    if not isinstance(data, list):
        raise KnowledgeError(f"{path.name}: expected a list of answers")
    seen: set[str] = set()
    answers = []
    for n, entry in enumerate(data, 1):
        answer = _answer(policy, entry, f"{path.name}: answer #{n}")
        if answer.id in seen:
            raise KnowledgeError(f"{path.name}: duplicate answer id {answer.id!r}")
        seen.add(answer.id)
        answers.append(answer)
    return tuple(answers)


def _answer(policy: Policy, entry, where: str) -> ShortAnswer:
    if not isinstance(entry, dict):
        raise KnowledgeError(f"{where}: expected a mapping")
    where = f"{where} ({entry.get('id', 'no id')})"
    for field in ("id", "clause", "verdict", "answer", "quote", "questions"):
        if not entry.get(field):
            raise KnowledgeError(f"{where}: missing {field}")
    clause = policy.clause(str(entry["clause"]))
    if clause is None:
        raise KnowledgeError(f"{where}: unknown clause {entry['clause']!r}")
    if entry["verdict"] not in VERDICTS:
        raise KnowledgeError(f"{where}: verdict must be one of {', '.join(VERDICTS)}")
    quote = normalise_space(str(entry["quote"]))
    check_passages(quote.split(GAP), normalise_space(clause.text), f"{where}: clause {clause.id}")
    return ShortAnswer(
        id=str(entry["id"]),
        clause=clause.id,
        verdict=str(entry["verdict"]),
        answer=normalise_space(str(entry["answer"])),
        quote=quote,
        questions=_strings(entry["questions"], where),
    )


def check_passages(passages: list[str], text: str, where: str) -> None:
    """Every passage is verbatim text of the clause, in order; passages joined by GAP must not
    be adjacent (then they are one passage), so a skip is always shown and never hidden."""
    end = 0
    for n, passage in enumerate(passages):
        at = text.find(passage, end)
        if not passage or at < 0:
            raise KnowledgeError(f"{where}: quote passage {n + 1} is not verbatim text, in order")
        if n and text[end:at].strip() == "":
            raise KnowledgeError(f"{where}: passages {n} and {n + 1} are adjacent; join them")
        end = at + len(passage)


def _strings(items, where: str) -> tuple[str, ...]:
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise KnowledgeError(f"{where}: expected a list of non-empty strings")
    return tuple(i.strip() for i in items)
