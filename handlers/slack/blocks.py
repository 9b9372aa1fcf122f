"""Render the core's `Reply` as a Slack message: Block Kit blocks plus the notification text.

Only *how it looks* is decided here. Every piece of text is escaped (see escape.py) and every
mrkdwn object is `verbatim`, so user text can neither ping nor hide a link. Slack's limits are
owned here: 3,000 characters per section text, 75 per button label, 25 elements per actions
block, 50 blocks per message.
"""

from __future__ import annotations

from bot import actions
from bot.messages import Buttons, Fields, Footer, Prompt, Quote, Reply, Text, Verdict
from bot.render_text import render as render_text
from handlers.slack import strings
from handlers.slack.escape import escape

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3000
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_LIMIT = 25
BLOCKS_LIMIT = 50
HEADER_LIMIT = 150

ACTION_PREFIX = "edc:"  # every interactive element we render; the listener matches on it

VERDICT_ICONS = {
    "Prohibited": "⛔",
    "Required": "📌",
    "Discouraged": "⚠️",
    "Allowed with conditions": "✅",
    "For your information": "ℹ️",
}
STYLE_ICONS = {"warning": "⚠️ ", "success": "✅ "}


def render(reply: Reply, *, shared_by: str = "") -> dict:
    """`{"text": …, "blocks": […]}` for chat.postMessage / respond / chat.update.

    `shared_by` (a Slack user ID) adds "Shared by @user" to an answer posted in a channel.
    """
    blocks: list[dict] = []
    parts, edits = _edit_buttons_beside_fields(reply.parts)
    for index, part in enumerate(parts):
        if isinstance(part, Fields) and edits:
            blocks += _fields(part, edits=edits)
        else:
            blocks += _part(part, index)
    if shared_by:
        blocks.append(_context(strings.SHARED_BY.format(user=f"<@{shared_by}>"), escaped=True))
    if len(blocks) > BLOCKS_LIMIT:
        blocks = blocks[: BLOCKS_LIMIT - 1] + [_context(strings.TRUNCATED)]
    return {"text": fallback_text(reply), "blocks": blocks}


def fallback_text(reply: Reply) -> str:
    """The notification / screen-reader text: the plain rendering, escaped and capped. Not
    wrapped to the console's width: Slack wraps it (and textwrap cost more than the rest of
    rendering an answer)."""
    text = render_text(reply, width=None) or strings.EMPTY_FALLBACK
    if len(text) > FALLBACK_LIMIT:
        text = text[: FALLBACK_LIMIT - 1] + "…"
    return escape(text)


def action_id(name: str, index: int) -> str:
    """Unique within a message (Slack requires it), and carries the core's action name."""
    return f"{ACTION_PREFIX}{name}:{index}"


def action_name(slack_action_id: str) -> str:
    """The core's action name back from an action_id made by `action_id`."""
    body = slack_action_id.removeprefix(ACTION_PREFIX)
    return body.rsplit(":", 1)[0] if ":" in body else body


# ---- parts ------------------------------------------------------------------------------------


def _part(part, index: int) -> list[dict]:
    if isinstance(part, Text):
        return _text(part)
    if isinstance(part, Verdict):
        icon = VERDICT_ICONS.get(part.label, "•")
        return _sections(f"{icon} *{escape(part.label)}:* {escape(part.sentence)}")
    if isinstance(part, Quote):
        return _quote(part)
    if isinstance(part, Buttons):
        return _actions([_button(b, f"{index}.{i}") for i, b in enumerate(part.buttons)])
    if isinstance(part, Fields):
        return _fields(part)
    if isinstance(part, Prompt):
        return _prompt(part, index)
    if isinstance(part, Footer):
        return [_context(part.text)]
    return []


def _text(part: Text) -> list[dict]:
    if part.style == "heading" and len(part.text) <= HEADER_LIMIT and "\n" not in part.text:
        return [{"type": "header", "text": _plain(part.text)}]
    if part.style == "heading":
        return _sections(f"*{escape(part.text)}*")
    if part.style == "note" and len(part.text) <= SECTION_LIMIT:
        return [_context(part.text)]
    return _sections(STYLE_ICONS.get(part.style, "") + escape(part.text))


def _quote(part: Quote) -> list[dict]:
    title = f"*{escape(part.clause_id)} · {escape(part.title)}*"
    lines = [">" + (escape(line) or " ") for line in part.text.splitlines() or [""]]
    return _sections(title + "\n" + "\n".join(lines), continuation=">")


def _fields(part: Fields, *, edits: tuple = ()) -> list[dict]:
    """One section per field (values are user text: escaped, verbatim); with an Edit button
    beside each when the review offers one per field."""
    blocks = _sections(f"*{escape(part.title)}*") if part.title else []
    for i, (label, value) in enumerate(part.items):
        shown = escape(value) if value.strip() else "—"
        sections = _sections(f"*{escape(label)}*\n{shown}")
        if i < len(edits):
            edit = edits[i]
            sections[0]["accessory"] = _raw_button(strings.EDIT, f"{edit.action}:e{i}", edit.value)
        blocks += sections
    return blocks


def _edit_buttons_beside_fields(parts: tuple) -> tuple[tuple, tuple]:
    """A review (Fields) followed by one Edit button per field: Slack shows each Edit beside
    its field instead of a row of "Edit …" buttons. Anything else is left as it is."""
    fields = [p for p in parts if isinstance(p, Fields)]
    if len(fields) != 1:
        return parts, ()
    items = fields[0].items
    for n, part in enumerate(parts):
        if not isinstance(part, Buttons):
            continue
        edits = tuple(b for b in part.buttons if b.action == actions.EDIT)
        if edits and len(edits) == len(items):
            rest = tuple(b for b in part.buttons if b.action != actions.EDIT)
            kept = (Buttons(rest),) if rest else ()
            return parts[:n] + kept + parts[n + 1 :], edits
    return parts, ()


def _prompt(part: Prompt, index: int) -> list[dict]:
    lines = [f"*{escape(part.question)}*"]
    if part.example:
        lines.append(strings.EXAMPLE.format(example=escape(part.example)))
    blocks = _sections("\n".join(lines))
    blocks[0]["block_id"] = f"prompt:{part.field}"[:255]
    if part.help:
        blocks.append(_context(part.help))
    # Choices come as the core's own Buttons (dialog.answer) right after the Prompt.
    if part.kind == "datetime":
        blocks.append(
            {
                "type": "actions",
                "block_id": f"when:{part.field}",
                "elements": [
                    {
                        "type": "datepicker",
                        "action_id": action_id("picker.date", index),
                        "placeholder": _plain(strings.PICK_DATE),
                    },
                    {
                        "type": "timepicker",
                        "action_id": action_id("picker.time", index),
                        "placeholder": _plain(strings.PICK_TIME),
                    },
                    {
                        "type": "button",
                        "action_id": action_id("prompt.datetime", index),
                        "text": _plain(strings.USE_THIS_TIME),
                        "style": "primary",
                        "value": part.field,
                    },
                ],
            }
        )
        blocks.append(_context(strings.OR_TYPE_IT))
    return blocks


# ---- Block Kit atoms ---------------------------------------------------------------------------


def _plain(text: str, limit: int = SECTION_LIMIT) -> dict:
    # plain_text is shown as-is (no mentions, no links); only the length needs care.
    return {"type": "plain_text", "text": _cut(text or " ", limit), "emoji": True}


def _mrkdwn(escaped: str) -> dict:
    return {"type": "mrkdwn", "text": escaped, "verbatim": True}


def _context(text: str, *, escaped: bool = False) -> dict:
    body = text if escaped else escape(text)
    return {"type": "context", "elements": [_mrkdwn(_cut(body, SECTION_LIMIT))]}


def _sections(escaped: str, *, continuation: str = "") -> list[dict]:
    """One or more sections: text over 3,000 characters is split at line, then word breaks."""
    return [
        {"type": "section", "text": _mrkdwn(chunk)}
        for chunk in split_text(escaped, SECTION_LIMIT, continuation=continuation)
    ]


def _actions(elements: list[dict], *, block_id: str = "") -> list[dict]:
    blocks = []
    for start in range(0, len(elements), ACTIONS_LIMIT):
        block = {"type": "actions", "elements": elements[start : start + ACTIONS_LIMIT]}
        if block_id:
            block["block_id"] = f"{block_id}:{start}" if start else block_id
        blocks.append(block)
    return blocks


def _button(button, suffix: str) -> dict:
    return _raw_button(button.label, f"{button.action}:{suffix}", button.value, button.style)


def _raw_button(label: str, name_and_index: str, value: str, style: str = "") -> dict:
    name, _, index = name_and_index.rpartition(":")
    element = {
        "type": "button",
        "action_id": f"{ACTION_PREFIX}{name}:{index}",
        "text": _plain(label, BUTTON_LABEL_LIMIT),
        "value": value[:BUTTON_VALUE_LIMIT] or "-",
    }
    if style in ("primary", "danger"):
        element["style"] = style
    return element


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_text(text: str, limit: int, *, continuation: str = "") -> list[str]:
    """Split into pieces of at most `limit` characters, preferring line then word boundaries,
    never inside an escape entity (`&amp;`). `continuation` starts every later piece (">" keeps
    a block quote a quote)."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
            amp = window.rfind("&", cut - 6)
            if amp != -1 and ";" not in window[amp:]:
                cut = amp  # don't split "&amp;" into "&am" + "p;"
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip(" \n")
        if continuation and not rest.startswith(continuation):
            rest = continuation + rest
    pieces.append(rest)
    return [p for p in pieces if p] or [" "]
