"""Timestamps as stored: ISO 8601 in UTC, to the second, so they sort as text."""

from __future__ import annotations

from datetime import UTC, datetime


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
