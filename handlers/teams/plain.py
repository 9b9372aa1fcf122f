"""Making text inert inside an Adaptive Card.

Teams reads a TextBlock's text as markdown (links, emphasis, lists), so nothing that came from
a user goes into a TextBlock: cards carry dynamic text in RichTextBlock `TextRun`s, which are
plain text by definition. Mentions need an `msteams.entities` entry we never create, so typed
`<at>…</at>` or `@channel` stays text. What is left is the clients' automatic linking of
addresses and domains; `defuse_links` breaks those with an invisible zero-width space, so the
reporter's words look the same but cannot become a link they did not intend.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)")  # https://… ftp://…
_WWW = re.compile(r"(?i)\bwww\.")
_DOMAIN_DOT = re.compile(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z]{2,})")  # example.com, a@b.org
_MAILTO = re.compile(r"(?i)\b(mailto|tel|sip|callto):")


def defuse_links(text: str) -> str:
    """User text → the same visible text that no Teams client turns into a link."""
    text = _SCHEME.sub(lambda m: m.group(1) + ZWSP + ":", text or "")
    text = _MAILTO.sub(lambda m: m.group(1) + ZWSP + ":", text)
    text = _WWW.sub(lambda m: m.group(0)[:3] + ZWSP + ".", text)
    return _DOMAIN_DOT.sub("." + ZWSP, text)


def clip(text: str, limit: int, marker: str) -> str:
    """At most `limit` characters (a Teams message is capped at about 28 KB in all)."""
    return text if len(text) <= limit else text[: limit - len(marker)].rstrip() + marker
