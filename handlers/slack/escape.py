"""Text going to Slack and text coming from it.

Outgoing: everything that is not our own markup is escaped the way Slack documents (`&`, `<`,
`>` become entities), so `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` and `<http…|label>` typed by
a user show up as text and can never ping anyone or hide a link. We also render every mrkdwn
object with `verbatim: true`, which stops Slack's *automatic* parsing (bare "@here", channel
names, URLs), and break the bare broadcast words with a word joiner as a second line of defence
for the notification `text`, where `verbatim` does not exist.

Incoming: Slack escapes the same three characters and wraps mentions and links in `<…>`;
`from_slack` turns that back into what the user saw.
"""

from __future__ import annotations

import re

_WORD_JOINER = "\u2060"
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_ANGLED = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """Make arbitrary text safe inside Slack mrkdwn or a message's fallback `text`."""
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@" + _WORD_JOINER, text)


def from_slack(text: str, *, drop_user: str = "") -> str:
    """What the user typed, from Slack's wire format: mentions and links as they displayed.

    `drop_user` removes mentions of that user ID (the bot itself in an `@EDC …` mention).
    """

    def plain(match: re.Match) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            if drop_user and target[1:] == drop_user:
                return ""
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            # <!here>, <!channel>, <!subteam^S123|@team>, <!date^…|fallback>
            return label or "@" + target[1:].split("^")[0]
        # A link: what the user saw, and the address too when the label hides it.
        if label and label not in target:
            return f"{label} ({target})"
        return label or target

    text = _ANGLED.sub(plain, text or "")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text.strip()
