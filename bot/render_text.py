"""Plain-text rendering of replies: the console's output and every platform's fallback text."""

from __future__ import annotations

import textwrap

from bot.messages import Buttons, Fields, Footer, Prompt, Quote, Reply, Text, Verdict

WIDTH = 96
TYPEABLE = frozenset({"clause.show", "report.start"})


def render(reply: Reply, *, width: int | None = WIDTH) -> str:
    """The reply as plain text; quotes are wrapped to `width` columns (None: not wrapped, for
    platforms' fallback text, which the client wraps itself)."""
    return "\n".join(line for part in reply.parts for line in _part(part, width)).rstrip()


def _part(part, width: int | None = WIDTH) -> list[str]:
    if isinstance(part, Text):
        prefix = {"warning": "⚠ ", "success": "✓ "}.get(part.style, "")
        return [prefix + part.text]
    if isinstance(part, Verdict):
        return [f"{part.label.upper()}: {part.sentence}"]
    if isinstance(part, Quote):
        if width is None:
            body = "> " + " ".join(part.text.split())
        else:
            body = textwrap.fill(part.text, width - 2, initial_indent="> ", subsequent_indent="> ")
        return [f"[{part.clause_id}] {part.title}", body]
    if isinstance(part, Buttons):
        # Text has no buttons: show only those with a typed equivalent (clause links, commands).
        labels = [f"[{b.label}]" for b in part.buttons if b.action in TYPEABLE]
        return ["  " + "   ".join(labels)] if labels else []
    if isinstance(part, Fields):
        label_width = max((len(k) for k, _ in part.items), default=0)
        lines = [part.title] if part.title else []
        for label, value in part.items:
            first, *rest = (value or "—").splitlines() or ["—"]
            lines.append(f"  {label.ljust(label_width)} : {first}")
            lines += [" " * (label_width + 5) + more for more in rest]
        return lines
    if isinstance(part, Prompt):
        lines = [part.question]
        if part.choices:
            lines.append("  " + "  ".join(f"[{label}]" for _, label in part.choices))
        if part.example:
            lines.append(f"  e.g. {part.example}")
        if part.help:
            lines.append(f"  ({part.help})")
        return lines
    if isinstance(part, Footer):
        return [f"— {part.text}"]
    return []
