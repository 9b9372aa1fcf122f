"""An activity delivered twice is handled once.

The Bot Connector redelivers an activity when the bot is slow to answer (about 15 s) or the
connection drops; the copy has the same activity ID in the same conversation.
"""

from __future__ import annotations

from bot.seen import Seen

ACTIVITY_TTL = 600.0  # redeliveries come within a minute; ten is plenty


class SeenActivities:
    def __init__(self, *, seen: Seen | None = None) -> None:
        self._seen = seen or Seen(max_items=10_000)

    def first_time(self, conversation_id: str, activity_id: str) -> bool:
        """True the first time this activity is seen (and remembers it); False for a repeat.
        Activities without an ID cannot be matched and always count as new."""
        if not activity_id:
            return True
        return self._seen.first(f"{conversation_id}\n{activity_id}", ACTIVITY_TTL)
