"""Who someone is across platforms: `UserRef(platform, id)`, stored as "platform:id".

The records key drafts, reports and acknowledgements by this text ("slack:U0123", "teams:29:1a…"),
so parsing splits at the first colon only: Teams ids contain colons themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserRef:
    platform: str  # "console" | "slack" | "teams" | a registered surface's name
    id: str  # the platform's own user id, as the surface addresses the user

    @classmethod
    def parse(cls, key: str) -> UserRef:
        """The reference a stored key names; ValueError when it names no platform."""
        platform, colon, user_id = key.partition(":")
        if not colon or not platform:
            raise ValueError(f"not a user key: {key!r}")
        return cls(platform, user_id)

    @property
    def key(self) -> str:
        """The stored form, "platform:id"."""
        return f"{self.platform}:{self.id}"

    def __str__(self) -> str:
        return self.key
