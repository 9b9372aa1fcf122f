"""A policy bundle: one directory holding everything that makes the bot a given district's.

The bundle's files (docs/adding-a-policy.md is the contract): bundle.yml (the rules below),
the published policy text, policy.yml (the policy as data: code, name, district, clauses),
questions.yml, answers.yml, sentences.yml, synonyms.yml and ranker.json (written by
`python -m knowledge.train`). The EDC bundle in policies/edc/ is the default; the setting
EDC_POLICY_DIR (bot/config.py) chooses another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import KnowledgeError
from knowledge.policy import DATA_DIR, _read_yaml

DEFAULT_BUNDLE = DATA_DIR
BUNDLE_FILE = "bundle.yml"
POLICY_FILE = "policy.yml"
MODEL_FILE = "ranker.json"
_HTTPS = re.compile(r"^https://[^\s/]+\S*$")


@dataclass(frozen=True)
class Bundle:
    root: Path
    website: str  # the district's https site (Teams package: developer, privacy, terms)
    published_text: str  # file name, in the bundle, of the policy text as published
    source: str  # where the published text comes from
    # A bare number that is not a clause ID names a sub-item: with "3.", "/edc 5" is clause 3.5.
    clause_shorthand: str
    example_clause: str  # the clause help texts show as "read one clause in full"

    @property
    def policy_file(self) -> Path:
        return self.root / POLICY_FILE

    @property
    def model_file(self) -> Path:
        return self.root / MODEL_FILE

    @property
    def published_file(self) -> Path:
        return self.root / self.published_text

    def clause_id(self, requested: str, ids: tuple[str, ...]) -> str | None:
        """The clause ID `requested` names: itself, or its shorthand (e.g. "5" → "3.5")."""
        for candidate in (requested, f"{self.clause_shorthand}{requested}"):
            if candidate in ids:
                return candidate
        return None


def load_bundle(root: Path = DEFAULT_BUNDLE) -> Bundle:
    """Read and check bundle.yml; raise KnowledgeError naming what is wrong."""
    path = Path(root) / BUNDLE_FILE
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping of settings")
    try:
        bundle = Bundle(
            root=Path(root),
            website=str(data["website"]),
            published_text=str(data["published_text"]),
            source=str(data.get("source") or ""),
            clause_shorthand=str(data.get("clause_shorthand") or ""),
            example_clause=str(data["example_clause"]),
        )
    except KeyError as exc:
        raise KnowledgeError(f"{path}: missing setting {exc}") from None
    if not _HTTPS.match(bundle.website):
        raise KnowledgeError(f"{path}: website must be an https URL, got {bundle.website!r}")
    if not bundle.published_file.is_file():
        raise KnowledgeError(
            f"{path}: published_text {bundle.published_text!r} is not in the bundle"
        )
    return bundle
