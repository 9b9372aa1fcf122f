"""Make staff-typed text harmless where it is displayed: terminals, printouts, spreadsheets.

Report fields are hostile input. In a terminal an ESC sequence can recolour, hide or rewrite what
an administrator reads, BEL rings, CR overwrites the line; in a printout or a spreadsheet a
bidirectional override (U+202E) shows text in an order other than the one stored. `visible`
replaces every such character with a visible escape (``\\x1b``, ``\\u202e``) rather than dropping
it, so an auditor sees that something was there.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls; the bidi embeddings, overrides,
# isolates and marks; the Unicode line and paragraph separators (terminals treat them as
# breaks the reader can't see). Zero-width joiners stay: emoji sequences need them.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_UNSAFE_OR_BREAK = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def visible(text: str, *, keep_lines: bool = True) -> str:
    """`text` with each unsafe character shown as its escape. Newlines and tabs are kept when
    `keep_lines` (multi-line answers stay readable), escaped otherwise (one-line table cells)."""
    pattern = _UNSAFE if keep_lines else _UNSAFE_OR_BREAK
    return pattern.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
