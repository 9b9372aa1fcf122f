"""Load the policy (policy.yml of a policy bundle, knowledge/bundle.py) into typed, immutable objects."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.errors import KnowledgeError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The default policy bundle (the EDC policy); EDC_POLICY_DIR chooses another.
DATA_DIR = Path(__file__).resolve().parent.parent / "policies" / "edc"
POLICY_FILE = DATA_DIR / "policy.yml"

# A sentence ends at . ? ! (optionally followed by a closing bracket or quote) before a capital
# letter or an opening bracket. "e.g. for", "(a) command" and "#5 above" don't split.
_SENTENCE_END = re.compile(r"(?:(?<=[.?!])|(?<=[.?!]\)))\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Reference:
    """A phrase in a clause that points elsewhere: another clause, or a text not loaded here."""

    phrase: str
    clause: str = ""
    note: str = ""
    external: str = ""


@dataclass(frozen=True)
class Clause:
    id: str
    label: str
    title: str
    text: str
    heading: str = ""
    references: tuple[Reference, ...] = ()

    @property
    def sentences(self) -> tuple[str, ...]:
        return split_sentences(self.text)


@dataclass(frozen=True)
class Policy:
    code: str
    name: str
    district: str
    adopted: str
    revised: str
    preamble: str
    postamble: str
    clauses: tuple[Clause, ...]

    @property
    def revision(self) -> str:
        """What every answer cites: e.g. 'EDC Social Networking, revised 2014-07-16'."""
        return f"{self.code} {self.name}, revised {self.revised}"

    @property
    def full_text(self) -> str:
        """The policy reassembled from its parts, as published."""
        parts = [self.preamble]
        for clause in self.clauses:
            parts.append(clause.label)
            if clause.heading:
                parts.append(clause.heading)
            parts.append(clause.text)
        parts.append(self.postamble)
        return "\n\n".join(parts)

    @property
    def sha256(self) -> str:
        """Hash of the whitespace-normalised text, so reformatting the file keeps the hash."""
        return hashlib.sha256(normalise_space(self.full_text).encode("utf-8")).hexdigest()

    def clause(self, clause_id: str) -> Clause | None:
        return self._by_id().get(clause_id)

    def _by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.clauses)


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def split_sentences(text: str) -> tuple[str, ...]:
    """Split a clause into sentences; joining them with single spaces gives the clause back."""
    return tuple(s for s in _SENTENCE_END.split(normalise_space(text)) if s)


def load_policy(path: Path = POLICY_FILE) -> Policy:
    """Read and validate the policy file; raise KnowledgeError naming what is wrong."""
    data = _read_yaml(path)
    try:
        clauses = tuple(_clause(entry) for entry in data["clauses"])
        policy = Policy(
            code=str(data["code"]),
            name=str(data["name"]),
            district=str(data["district"]),
            adopted=str(data["adopted"]),
            revised=str(data["revised"]),
            preamble=str(data.get("preamble", "")),
            postamble=str(data.get("postamble", "")),
            clauses=clauses,
        )
    except (KeyError, TypeError) as exc:
        raise KnowledgeError(f"{path.name}: missing or malformed field {exc}") from None
    _check_references(policy, path)
    return policy


def _clause(entry: dict) -> Clause:
    cid = str(entry.get("id", "?"))
    for field in ("label", "title", "text"):
        if not str(entry.get(field) or "").strip():
            raise KnowledgeError(f"policy.yml: clause {cid} has no {field}")
    refs = tuple(Reference(**ref) for ref in entry.get("references") or ())
    return Clause(
        id=cid,
        label=str(entry["label"]),
        title=str(entry["title"]),
        text=str(entry["text"]).strip(),
        heading=str(entry.get("heading") or ""),
        references=refs,
    )


def _check_references(policy: Policy, path: Path) -> None:
    ids = set(policy.ids)
    if len(ids) != len(policy.clauses):
        raise KnowledgeError(f"{path.name}: duplicate clause id")
    for clause in policy.clauses:
        for ref in clause.references:
            if ref.phrase not in clause.text:
                raise KnowledgeError(
                    f"{path.name}: clause {clause.id} reference {ref.phrase!r} is not in its text"
                )
            if ref.clause and ref.clause not in ids:
                raise KnowledgeError(
                    f"{path.name}: clause {clause.id} refers to unknown clause {ref.clause!r}"
                )


def _read_yaml(path: Path):
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LOADER)  # noqa: S506 — a safe loader, C if available
    except FileNotFoundError:
        raise KnowledgeError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML: {exc}") from None
