"""A plain answer and a verdict for every sentence of the policy (a bundle's sentences.yml).

Whatever route leads to an answer, the reply rests on one or more policy sentences; each has an
authored plain-language answer and verdict, so no answered question goes without one. Curated
answers (answers.yml) are more specific and win when a curated situation matches.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.curated import VERDICTS, ShortAnswer
from knowledge.errors import KnowledgeError
from knowledge.policy import DATA_DIR, Policy, _read_yaml, normalise_space

SENTENCES_FILE = "sentences.yml"


def sentence_id(clause_id: str, n: int) -> str:
    return f"{clause_id}#{n + 1}"


def load_sentence_answers(policy: Policy, data_dir: Path = DATA_DIR) -> tuple[ShortAnswer, ...]:
    """One ShortAnswer per policy sentence, in policy order; its quote is the sentence (with
    the one before it when the entry says `with_previous: true`).

    Raises KnowledgeError naming the clause and sentence when one is missing, empty, out of
    order (each entry names the sentence by its opening words) or has an unknown verdict."""
    path = data_dir / SENTENCES_FILE
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: expected a mapping of clause ID to sentence answers")
    out = []
    for clause in policy.clauses:
        entries = data.get(clause.id)
        sentences = clause.sentences
        if not isinstance(entries, list) or len(entries) != len(sentences):
            raise KnowledgeError(
                f"{path.name}: clause {clause.id} needs one entry per sentence ({len(sentences)})"
            )
        for n, (entry, sentence) in enumerate(zip(entries, sentences, strict=True)):
            where = f"{path.name}: clause {clause.id} sentence {n + 1}"
            previous = sentences[n - 1] if n else ""
            out.append(_entry(entry, sentence, previous, clause.id, n, where))
    unknown = set(map(str, data)) - set(policy.ids)
    if unknown:
        raise KnowledgeError(f"{path.name}: unknown clause ID(s) {', '.join(sorted(unknown))}")
    return tuple(out)


def _entry(entry, sentence: str, previous: str, clause_id: str, n: int, where: str) -> ShortAnswer:
    if not isinstance(entry, dict):
        raise KnowledgeError(f"{where}: expected a mapping with starts, verdict, answer")
    starts = normalise_space(str(entry.get("starts") or ""))
    if not starts or not sentence.startswith(starts):
        raise KnowledgeError(f"{where}: 'starts' must be the opening words of {sentence[:40]!r}")
    if entry.get("verdict") not in VERDICTS:
        raise KnowledgeError(f"{where}: verdict must be one of {', '.join(VERDICTS)}")
    answer = normalise_space(str(entry.get("answer") or ""))
    if not answer:
        raise KnowledgeError(f"{where}: missing answer")
    # A sentence that leans on the one before ("Therefore…", "By way of example…") is quoted
    # with it: the two are adjacent, so the quote is still one span of the clause.
    with_previous = entry.get("with_previous", False)
    if with_previous not in (True, False) or (with_previous and not previous):
        raise KnowledgeError(f"{where}: with_previous must be true or false (not on a first one)")
    return ShortAnswer(
        id=sentence_id(clause_id, n),
        clause=clause_id,
        verdict=str(entry["verdict"]),
        answer=answer,
        quote=f"{previous} {sentence}" if with_previous else sentence,
        questions=(),
    )
