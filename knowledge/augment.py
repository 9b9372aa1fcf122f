"""Training-time copies of curated questions with a term swapped for its synonym-table twin.

Staff write "fb", "text a kid", "my cell"; the policy writes "Facebook", "text message",
"student", "personal phone"; a curated question usually has only one of them. For each curated
question the trainer also learns a copy in which the phrases the synonym table knows are swapped:
a staff phrase for its policy term, a policy term for one of its staff phrases (picked by a
stable hash of the question, so training stays deterministic). Copies are made from the
training texts only, so cross-validation never sees a held-out question's copy in training.
"""

from __future__ import annotations

import re
import zlib

from knowledge.chat_openings import CLOSINGS, OPENINGS


class Swapper:
    """Finds synonym-table phrases in a text and swaps them for a twin."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]]) -> None:
        self._term_of: dict[str, str] = {}
        self._phrases: dict[str, list[str]] = {}
        for term, phrases in synonyms.items():
            staff = [p for p in phrases if p.isalpha() or " " in p]
            staff = [p for p in staff if len(p) > 2 and p != term]
            self._phrases[term] = staff
            for phrase in (term, *staff):
                self._term_of.setdefault(phrase.lower(), term)
        ordered = sorted(self._term_of, key=lambda p: (-len(p), p))
        self._pattern = re.compile(
            r"\b(" + "|".join(re.escape(p) for p in ordered) + r")\b", re.IGNORECASE
        )

    def swapped(self, text: str, most: int = 2) -> str | None:
        """The text with up to `most` known phrases swapped; None when it has none."""
        seed = zlib.crc32(text.encode())
        count = 0

        def swap(m: re.Match) -> str:
            nonlocal count
            if count >= most:
                return m.group(0)
            phrase = m.group(0).lower()
            term = self._term_of[phrase]
            if phrase != term:
                count += 1
                return term
            staff = self._phrases[term]
            if not staff:
                return m.group(0)
            count += 1
            return staff[(seed + m.start()) % len(staff)]

        out = self._pattern.sub(swap, text)
        return out if count else None


def chat_wrapped(text: str) -> str:
    """The text with a staff chat opening in front (and, for about a third, a closing after),
    both picked by a stable hash of the text (knowledge/chat_openings.py)."""
    seed = zlib.crc32(text.encode())
    wrapped = f"{OPENINGS[seed % len(OPENINGS)]} {text}"
    if seed % 3 == 0:
        wrapped += f" {CLOSINGS[(seed // 3) % len(CLOSINGS)]}"
    return wrapped
