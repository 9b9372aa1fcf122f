"""Quoting honestly: passages of a clause that are not next to each other are never run together.

Adjacent passages are joined with a space (the clause's own text); a gap is shown as " … ".
"""

from __future__ import annotations

from knowledge.curated import GAP
from knowledge.policy import normalise_space


def join_passages(clause_text: str, passages: tuple[str, ...]) -> str:
    """The passages in one string: a space where the clause runs on, GAP where it skips."""
    text = normalise_space(clause_text)
    out, end = "", None
    for passage in passages:
        at = text.find(passage, end or 0)
        if end is None:
            out = passage
        else:
            adjacent = at >= 0 and text[end:at].strip() == ""
            out += (" " if adjacent else GAP) + passage
        end = at + len(passage) if at >= 0 else 0
    return out
