"""The neutral vocabulary between adapters and the core.

An adapter turns a platform event into an `Incoming`; the core answers with `Reply` objects
made of parts; the adapter renders the parts (Block Kit, Adaptive Cards, terminal text). Parts
say *what* to show, never *how*.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field

from bot.users import UserRef


@dataclass(frozen=True)
class Action:
    """A button press or form submission: which action, and its value(s)."""

    name: str
    value: str = ""
    values: dict[str, str] = field(default_factory=dict)  # a whole form at once (modal, card)


@dataclass(frozen=True)
class Incoming:
    text: str
    user_id: str
    conversation_id: str
    platform: str = "console"  # "console" | "slack" | "teams"
    is_private: bool = True  # a DM / personal chat / the console
    user_name: str = ""
    action: Action | None = None

    @property
    def user(self) -> UserRef:
        """Who sent it, as the records key them."""
        return UserRef(self.platform, self.user_id)


# ---- reply parts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "plain"  # "plain" | "heading" | "note" | "warning" | "success"


@dataclass(frozen=True)
class Verdict:
    label: str  # Prohibited, Required, Discouraged, Allowed with conditions, For your information
    sentence: str


@dataclass(frozen=True)
class Quote:
    """Verbatim policy text. `text` is always a substring of the policy (tested)."""

    clause_id: str
    title: str
    text: str


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str = ""
    style: str = ""  # "" | "primary" | "danger"


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Fields:
    """Labelled values, e.g. a report under review. Values are user text: render as plain text."""

    items: tuple[tuple[str, str], ...]
    title: str = ""


@dataclass(frozen=True)
class Prompt:
    """The dialog asks for one field. Adapters may offer a native control for `kind`."""

    field: str
    question: str
    kind: str = "text"  # "text" | "long_text" | "choice" | "yes_no" | "datetime"
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    help: str = ""
    example: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Footer:
    text: str


Part = Text | Verdict | Quote | Buttons | Fields | Prompt | Footer


@dataclass(frozen=True)
class Reply:
    """One message from the core. Privacy is decided here, once, for every surface:

    - `private=True`: for the person whose message or click produced it, and nobody else. A
      surface shows it to that person alone — ephemeral on Slack, their personal chat on Teams
      — and never posts it in a conversation others can read. Answers, declines, *why*,
      drafts, dialog turns, report contents, notes and errors are private.
    - `private=False`: meant for the conversation it goes to: an answer the user chose to
      share, a report card posted to the supervisor channel, a channel's welcome.

    `to` says where: "" = the conversation the message came from (privately there, if the
    surface can), "dm" = the user's private conversation with the bot (the report dialog).
    Both are required of the core: there is no default privacy to forget.
    """

    parts: tuple[Part, ...]
    _: KW_ONLY
    kind: str  # what it is, for adapters that place or decorate replies differently
    private: bool
    to: str = ""
