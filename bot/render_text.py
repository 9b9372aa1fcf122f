"""Plain-text rendering of replies: the console's output and every platform's fallback text.

Plain text has no buttons and no markup: a button that has a typed equivalent is shown as the
command to type ("/edc 3.5  Contact students…"); the dialog's own buttons are left out, because
the dialog's text already says what to type (submit, edit, skip, resume, start over, yes/no).
Slack-style *bold* and _italic_ lose their markers. `fit` wraps the result to a terminal.
"""

from __future__ import annotations

import re
import textwrap

from bot import actions
from bot.forms.registry import current_forms
from bot.messages import Button, Buttons, Fields, Footer, Prompt, Quote, Reply, Text, Verdict

WIDTH = 96
# A button's typed equivalent, by action; "{value}" is the button's value, "{command}" the
# command of the form it names.
TYPED = {
    actions.SHOW_CLAUSE: "/edc {value}",
    actions.START_FORM: "/edc {command}",
    actions.ACKNOWLEDGE: "/edc ack {value}",
    actions.VIEW: "/edc view {value}",
}
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_HANGING = re.compile(r"^(\s*(?:> |— |.{1,40}? — |.{1,40}? : |\(|[-•✓⚠] )?)")


def render(reply: Reply, *, width: int | None = WIDTH) -> str:
    """The reply as plain text; quotes are wrapped to `width` columns (None: not wrapped, for
    platforms' fallback text, which the client wraps itself)."""
    return "\n".join(line for part in reply.parts for line in _part(part, width)).rstrip()


def _part(part, width: int | None = WIDTH) -> list[str]:
    if isinstance(part, Text):
        prefix = {"warning": "⚠ ", "success": "✓ "}.get(part.style, "")
        return (prefix + unmark(part.text)).splitlines() or [""]
    if isinstance(part, Verdict):
        return [f"{part.label.upper()}: {unmark(part.sentence)}"]
    if isinstance(part, Quote):
        if width is None:
            body = "> " + " ".join(part.text.split())
        else:
            body = textwrap.fill(part.text, width - 2, initial_indent="> ", subsequent_indent="> ")
        return [f"[{part.clause_id}] {part.title}", body]
    if isinstance(part, Buttons):
        typed = [(_typed(b), b) for b in part.buttons if b.action in TYPED]
        column = max((len(command) for command, _ in typed), default=0)
        return [f"  {command.ljust(column)}  {_label(b)}" for command, b in typed]
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
            numbered = "   ".join(f"{n} {label}" for n, (_, label) in enumerate(part.choices, 1))
            lines.append(f"  {numbered}" if part.kind == "choice" else "  yes / no")
        if part.example:
            lines.append(f"  e.g. {part.example}")
        if part.help:
            lines.append(f"  ({part.help})")
        return lines
    if isinstance(part, Footer):
        return [f"— {part.text}"]
    return []


def unmark(text: str) -> str:
    """Slack-style *bold* and _italic_ without their markers (snake_case words are left alone)."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))


def fit(text: str, columns: int | None) -> str:
    """Wrap every line of rendered text to `columns`, continuing under the line's own indent
    (a quote's "> ", a help line's text after " — "). None: as it is."""
    if not columns or columns < 20:
        return text
    return "\n".join(_fit_line(line, columns) for line in text.split("\n"))


def _fit_line(line: str, columns: int) -> str:
    if len(line) <= columns:
        return line
    lead = _HANGING.match(line).group(1)
    indent = lead if lead.strip() == ">" else " " * len(lead)
    if len(indent) > columns // 2:
        indent = " " * (len(line) - len(line.lstrip()) + 2)
    return textwrap.fill(
        line,
        columns,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    )


def _typed(button: Button) -> str:
    form = current_forms().find(button.value) if button.action == actions.START_FORM else None
    return TYPED[button.action].format(value=button.value, command=form.command if form else "")


def _label(button: Button) -> str:
    """A clause button's label without its number, which the typed command already shows."""
    return button.label.removeprefix(button.value).strip() or button.label
