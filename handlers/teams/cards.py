"""The core's Reply → one Adaptive Card (a plain dict; no SDK types here).

Every piece of dynamic text — policy quotes, answers, reporter's words — goes into a
RichTextBlock `TextRun`, which Teams shows as plain text; a TextBlock would read it as markdown
(links, emphasis) and could alter a verbatim quote. User text is also link-defused (plain.py).
Buttons become `Action.Submit` with `{"action": name, "value": value}` data, which Teams sends
back as a message activity carrying that `value` (activities.py turns it into an Action).
"""

from __future__ import annotations

import re

from bot import actions
from bot.messages import (
    Button,
    Buttons,
    Fields,
    Footer,
    Prompt,
    Quote,
    Reply,
    Text,
    Verdict,
)
from bot.render_text import render as render_text
from handlers.teams import strings
from handlers.teams.plain import clip, defuse_links

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"  # Teams desktop, web and mobile
# A Prompt's Submit sends {"action": PROMPT_ACTION, "prompt": field, field: input}; activities.py
# turns it into the dialog's own answer action, value "field=answer" (what its buttons send).
PROMPT_ACTION = actions.ANSWER
DATE_SUFFIX, TIME_SUFFIX = "__date", "__time"  # the two inputs of a datetime Prompt
MAX_VALUE_CHARS = 3000  # per reporter answer, keeps a full review card under Teams' 28 KB
# Sharing into a channel is a Slack idiom (ephemeral answer → public); in Teams the answer is in
# a personal chat, which has no channel to share to. No whole-form card either (Slack's modal).
HIDDEN_ACTIONS = actions.OPTIONAL

_VERDICT_STYLE = {
    "prohibited": "attention",
    "required": "warning",
    "discouraged": "warning",
    "allowed with conditions": "good",
}
_TEXT_STYLE = {
    "warning": {"color": "attention"},
    "success": {"color": "good"},
    "note": {"isSubtle": True},
}
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")  # the core's *emphasis* (Slack-style)
_COMMAND_PREFIX = re.compile(r"/edc\b ?")


def card_attachment(reply: Reply, *, scope: str = "personal") -> dict:
    """The attachment for a message activity: {"contentType": ..., "content": card}."""
    return {"contentType": CARD_CONTENT_TYPE, "content": render(reply, scope=scope)}


def render(reply: Reply, *, scope: str = "personal") -> dict:
    """`scope`: "personal" (typed commands need no prefix) or "channel" / "groupChat" (@EDC)."""
    body: list[dict] = []
    shown = _choices_in_inputs(reply)
    for part in reply.parts:
        if isinstance(part, Buttons):
            part = Buttons(tuple(b for b in part.buttons if (b.action, b.value) not in shown))
        body += _part(part, scope)
    return {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "fallbackText": _wording(render_text(reply), scope),
        "msteams": {"width": "Full"},
    }


def _choices_in_inputs(reply: Reply) -> set[tuple[str, str]]:
    """The dialog offers a question's choices twice, as a Prompt and as one button per choice
    (`dialog.answer` "field=value"); the card's ChoiceSet already shows them."""
    return {
        (PROMPT_ACTION, f"{p.field}={value}")
        for p in reply.parts
        if isinstance(p, Prompt) and p.kind in ("choice", "yes_no")
        for value, _ in p.choices
    }


def _part(part, scope: str) -> list[dict]:
    if isinstance(part, Text):
        return _paragraphs(
            _wording(part.text, scope),
            heading=part.style == "heading",
            **_TEXT_STYLE.get(part.style, {}),
        )
    if isinstance(part, Verdict):
        return [
            _container(
                [_rich([_run(part.label, weight="Bolder")]), _rich([_run(part.sentence)])],
                style=_VERDICT_STYLE.get(part.label.lower(), "accent"),
            )
        ]
    if isinstance(part, Quote):
        # Verbatim: the text goes in untouched (no defusing, no markdown) and is tested to be
        # a substring of the policy.
        return [
            _rich([_run(f"{part.clause_id} · {part.title}", weight="Bolder", color="Accent")]),
            _container([_rich([_run(part.text, italic=True)])], style="emphasis"),
        ]
    if isinstance(part, Buttons):
        actions = [_submit(b) for b in part.buttons if b.action not in HIDDEN_ACTIONS]
        return [{"type": "ActionSet", "actions": actions}] if actions else []
    if isinstance(part, Fields):
        return [_fields(part)]
    if isinstance(part, Prompt):
        return _prompt(part)
    if isinstance(part, Footer):
        return [_rich([_run(_wording(part.text, scope), isSubtle=True, size="Small")])]
    return []


def _fields(part: Fields) -> dict:
    items: list[dict] = []
    if part.title:
        items.append(_rich([_run(defuse_links(part.title), weight="Bolder", size="Medium")]))
    for label, value in part.items:
        items.append(_rich([_run(defuse_links(label), weight="Bolder")], spacing="Medium"))
        text = clip(value or "—", MAX_VALUE_CHARS, strings.TRUNCATED)
        items += [_rich([_run(defuse_links(line))], spacing="None") for line in text.splitlines()]
    return _container(items, style="emphasis")


def _prompt(part: Prompt) -> list[dict]:
    elements = _paragraphs(part.question, weight="Bolder")
    if part.help:
        elements += _paragraphs(part.help, isSubtle=True)
    required = not part.optional
    common = {"isRequired": required, "errorMessage": strings.FIELD_REQUIRED} if required else {}
    if part.kind in ("choice", "yes_no") and part.choices:
        elements.append(
            {
                "type": "Input.ChoiceSet",
                "id": part.field,
                "style": "expanded" if len(part.choices) <= 5 else "compact",
                "placeholder": strings.CHOOSE,
                "choices": [{"title": label, "value": value} for value, label in part.choices],
                **common,
            }
        )
    elif part.kind == "datetime":
        elements.append(
            {
                "type": "ColumnSet",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": [
                            {
                                "type": "Input.Date",
                                "id": part.field + DATE_SUFFIX,
                                "label": strings.DATE_LABEL,
                                **common,
                            }
                        ],
                    },
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": [
                            {
                                "type": "Input.Time",
                                "id": part.field + TIME_SUFFIX,
                                "label": strings.TIME_LABEL,
                                **common,
                            }
                        ],
                    },
                ],
            }
        )
    else:
        elements.append(
            {
                "type": "Input.Text",
                "id": part.field,
                "isMultiline": part.kind == "long_text",
                "maxLength": 4000,
                **({"placeholder": part.example} if part.example else {}),
                **common,
            }
        )
    if part.example and part.kind != "text" and part.kind != "long_text":
        elements += _paragraphs(part.example, isSubtle=True)
    elements.append(
        {
            "type": "ActionSet",
            "actions": [
                {
                    "type": "Action.Submit",
                    "title": strings.SUBMIT_ANSWER,
                    "style": "positive",
                    "data": {"action": PROMPT_ACTION, "prompt": part.field},
                }
            ],
        }
    )
    return elements


def _submit(button: Button) -> dict:
    action = {
        "type": "Action.Submit",
        "title": button.label,
        "data": {"action": button.action, "value": button.value},
    }
    if button.style == "primary":
        action["style"] = "positive"
    elif button.style == "danger":
        action["style"] = "destructive"
    return action


def _paragraphs(text: str, *, heading: bool = False, **style) -> list[dict]:
    """One RichTextBlock per line: TextRuns are plain text, so line breaks are blocks."""
    if heading:
        style = {"weight": "Bolder", "size": "Medium", **style}
    blocks = []
    for line in (text or "").splitlines() or [""]:
        if not line.strip():
            continue
        blocks.append(_rich(_runs(defuse_links(line.strip()), **style), spacing="Small"))
    return blocks


def _runs(line: str, **style) -> list[dict]:
    """The core marks emphasis Slack-style (*bold*); show it bold instead of the asterisks."""
    runs, pos = [], 0
    for match in _BOLD.finditer(line):
        if match.start() > pos:
            runs.append(_run(line[pos : match.start()], **style))
        runs.append(_run(match.group(1), **{**style, "weight": "Bolder"}))
        pos = match.end()
    if pos < len(line):
        runs.append(_run(line[pos:], **style))
    return runs


def _wording(text: str, scope: str) -> str:
    """The core writes commands as `/edc help`; Teams users type `help` (1:1) or `@EDC help`."""
    return _COMMAND_PREFIX.sub("" if scope == "personal" else "@EDC ", text)


def _rich(inlines: list[dict], **extra) -> dict:
    return {"type": "RichTextBlock", "inlines": inlines, **extra}


def _run(text: str, **style) -> dict:
    return {"type": "TextRun", "text": text, **style}


def _container(items: list[dict], *, style: str) -> dict:
    return {"type": "Container", "style": style, "items": items}
