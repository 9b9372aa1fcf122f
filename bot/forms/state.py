"""Where one staff member is in one form: small, explicit, and plain JSON so it can be saved
(encrypted) after every turn and restored after any restart."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

REVIEW = "@review"  # the whole report shown, waiting for submit / edit
CONFIRM_CANCEL = "@cancel"  # "cancel this report?" asked, waiting for yes / no


@dataclass
class DialogState:
    form: str
    step: str  # a field name, REVIEW or CONFIRM_CANCEL
    started_at: str  # ISO 8601, UTC
    answers: dict[str, str] = field(default_factory=dict)  # "" = skipped
    resume_step: str = ""  # where a declined cancel returns to
    context: dict[str, str] = field(default_factory=dict)  # e.g. {"amends": "EDC-2026-0001"}
    turns: int = 0  # answers and commands handled; a reminder is sent once per idle turn
    pending: str = ""  # a reply that reads as a question, waiting for "answer" or "ask"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> DialogState:
        return cls(**json.loads(raw))
