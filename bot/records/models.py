"""What the records hand back: plain frozen values, decrypted, with no database attached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.forms.state import DialogState
from bot.users import UserRef


@dataclass(frozen=True)
class Draft:
    id: str
    user_key: str
    platform: str
    form: str
    status: str  # "open" | "submitted" | "cancelled"
    state: DialogState
    created_at: datetime
    updated_at: datetime
    report_number: str = ""

    @property
    def user_id(self) -> str:
        """Its author's id on their platform (where a reminder goes)."""
        return UserRef.parse(self.user_key).id


@dataclass(frozen=True)
class Acknowledgement:
    by_key: str
    by_name: str
    at: datetime


@dataclass(frozen=True)
class Report:
    number: str
    form: str
    title: str
    user_key: str
    platform: str
    reporter_name: str
    supervisor: str
    amends: str
    event_at: datetime | None
    started_at: datetime
    submitted_at: datetime
    delay_seconds: int | None
    policy_revision: str
    policy_sha256: str
    fields: tuple[tuple[str, str, str], ...]  # (name, label, value as shown) at submission
    late_reason: str = ""
    warnings: tuple[str, ...] = ()  # labels of pre-checks answered "no"
    acknowledgement: Acknowledgement | None = None
    delivered: bool = False

    @property
    def status(self) -> str:
        if self.acknowledgement:
            return "acknowledged"
        return "delivered" if self.delivered else "submitted"

    @property
    def user_id(self) -> str:
        """The reporter's id on their platform (where the acknowledgement notice goes)."""
        return UserRef.parse(self.user_key).id


@dataclass(frozen=True)
class Submission:
    """Everything the dialog hands to the records when a user submits."""

    draft_id: str
    form: str
    title: str
    number_prefix: str
    amends: str
    reporter_name: str
    supervisor: str
    event_at: datetime | None
    started_at: datetime
    fields: tuple[tuple[str, str, str], ...]
    answers: dict[str, str]
    late_reason: str
    warnings: tuple[str, ...]
    policy_revision: str
    policy_sha256: str


@dataclass(frozen=True)
class OutboxItem:
    key: str
    subject: str  # a report number, or a draft id for reminders
    purpose: str  # "post" | "reannounce" | "update" | "notice" | "reminder"
    platform: str
    destination: str  # a channel, or a user ID for direct messages
    attempts: int
    posted_ref: str = ""
    # An earlier attempt began and its outcome is unknown (the process died mid-call, or the
    # platform's answer was ambiguous): the message may already be there.
    in_flight: bool = False
