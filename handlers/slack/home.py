"""The App Home tab: what the bot does, a start button per form, the user's drafts and reports."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions import OPEN_FORM, RESUME, START_FORM
from bot.forms.registry import Forms, current_forms
from bot.users import UserRef
from handlers.slack import strings
from handlers.slack.blocks import action_id
from handlers.slack.escape import escape
from knowledge.bundle import Bundle, load_bundle
from knowledge.policy import Policy, load_policy

MAX_LISTED = 10


@dataclass(frozen=True)
class HomeItem:
    """One draft or report as the Home tab lists it."""

    label: str  # "EDC-2026-0001 · call 3 Dec 07:45" — shown escaped
    status: str = ""  # "delivered", "acknowledged by …", "step 3 of 9"
    action: str = ""  # a core action name for a button ("" = no button)
    value: str = ""


def home_view(
    *,
    drafts: list[HomeItem] = (),
    reports: list[HomeItem] = (),
    forms: bool = False,
    registry: Forms | None = None,
    policy: Policy | None = None,
    bundle: Bundle | None = None,
) -> dict:
    """The `views.publish` view for one user; `forms`: whether modals can be opened, `registry`:
    the forms to offer (default: those in use), `policy` and `bundle`: the policy served
    (default: the EDC bundle's)."""
    registry = registry or current_forms()
    startable = registry.startable
    start = [
        _button(f.start_button, START_FORM, f.name, i, style="primary" if i == 0 else "")
        for i, f in enumerate(startable)
    ]
    if forms:
        start += [
            _button(strings.HOME_FILL_FORM.format(title=f.title), OPEN_FORM, f.name, len(start) + i)
            for i, f in enumerate(f for f in startable if f.modal)
        ]
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": strings.HOME_TITLE}},
        *_about(registry, policy, bundle),
        {"type": "actions", "block_id": "home:start", "elements": start[:25]},
        {"type": "divider"},
        _section(f"*{strings.HOME_DRAFTS}*"),
        *_items(drafts, strings.HOME_NO_DRAFTS, 10),
        {"type": "divider"},
        _section(f"*{strings.HOME_SUBMITTED}*"),
        *_items(reports, strings.HOME_NO_SUBMITTED, 40),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": strings.HOME_PRIVACY}]},
    ]
    return {"type": "home", "blocks": blocks[:100]}


def _about(registry: Forms, policy: Policy | None, bundle: Bundle | None) -> list[dict]:
    """What the bot does, naming the served policy and the clause the report rests on."""
    bundle = bundle or load_bundle()
    policy = policy or load_policy(bundle.policy_file)
    names = {
        "policy_name": policy.name,
        "policy_code": policy.code,
        "example_clause": bundle.example_clause,
        "report_clause": registry.get("emergency_call").clause,
    }
    return [
        _section(strings.HOME_INTRO.format(**names)),
        _section(strings.HOME_HOW.format(**names)),
    ]


def _items(items, empty: str, base: int) -> list[dict]:
    if not items:
        return [{"type": "context", "elements": [{"type": "mrkdwn", "text": empty}]}]
    blocks = []
    for i, item in enumerate(list(items)[:MAX_LISTED]):
        text = f"*{escape(item.label)}*" + (f"\n{escape(item.status)}" if item.status else "")
        block = _section(text)
        if item.action:
            block["accessory"] = _button(strings.HOME_CONTINUE, item.action, item.value, base + i)
        blocks.append(block)
    return blocks


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000], "verbatim": True}}


def _button(label: str, name: str, value: str, index: int, *, style: str = "") -> dict:
    element = {
        "type": "button",
        "action_id": action_id(name, index),
        "text": {"type": "plain_text", "text": label[:75]},
        "value": value or "-",
    }
    if style:
        element["style"] = style
    return element


def records_home_data(records, *, timezone: str):
    """A callable user_id → (drafts, reports) for the Home tab, from bot/records."""
    from zoneinfo import ZoneInfo

    from bot.timeparse import describe

    tz = ZoneInfo(timezone)

    def data(user_id: str) -> tuple[list[HomeItem], list[HomeItem]]:
        key = UserRef("slack", user_id).key
        drafts = []
        draft = records.drafts.open_for(key)
        if draft is not None:
            drafts.append(
                HomeItem(
                    label=draft.form.replace("_", " ").capitalize(),
                    status=f"started {describe(draft.created_at, tz)}",
                    action=RESUME,
                    value=draft.id,
                )
            )
        reports = [
            HomeItem(
                label=f"{r.number} · {r.title}",
                status=f"{_STATUS.get(r.status, r.status)} · submitted {describe(r.submitted_at, tz)}",
            )
            for r in sorted(
                records.reports.find(user_key=key), key=lambda r: r.submitted_at, reverse=True
            )[:MAX_LISTED]
        ]
        return drafts, reports

    return data


_STATUS = {
    "submitted": "⏳ waiting to be delivered",
    "delivered": "📨 delivered",
    "acknowledged": "✅ acknowledged",
}
