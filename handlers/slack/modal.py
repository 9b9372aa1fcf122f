"""“Fill in as a form”: the report dialog's fields as one Slack modal, validated by the core.

The fields, their order and their validation come from the form definition (bot/forms); the
core's `submit_form` validates the whole form and files it. Two Slack traps handled here:
the modal opens right after the click (a `trigger_id` expires after 3 seconds), and validation
errors travel back *in the ack* as `response_action: errors` keyed by block — an error sent any
other way never appears on the field.

A replayed submission (the same signed request sent again) files nothing: each modal carries
a submission key minted when it opens (private_metadata), which the core files the report
under — the same key again returns the earlier report and posts nothing new.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.forms.registry import current_forms
from bot.forms.spec import FormSpec
from bot.messages import Incoming
from handlers.slack import strings
from handlers.slack.inbound import PLATFORM

log = logging.getLogger(__name__)

CALLBACK_PREFIX = "edc:form:"
TITLE_LIMIT = 24
LABEL_LIMIT = 2000
HINT_LIMIT = 2000
INPUT_LIMIT = 3000  # plain_text_input max_length


class FormModals:
    def __init__(self, *, client, reports, replier, timezone: str) -> None:
        self.client = client
        self.reports = reports  # bot.reports.ReportsExtension
        self.replier = replier
        self.tz = ZoneInfo(timezone)

    def open(self, body: dict, action: dict) -> None:
        form = current_forms().find(action.get("value", ""))  # a form's name (or command)
        if form is None or not form.modal:
            log.warning("no form to open as a modal: %r", action.get("value", ""))
            return
        try:
            view = form_view(form)
            self.client.views_open(trigger_id=body.get("trigger_id", ""), view=view)
        except SlackApiError as exc:
            log.warning("could not open the form: %s", exc.response.get("error"))

    def submit(self, ack, body: dict, send_dm) -> None:
        """Validate and file the whole form inside the ack; `send_dm(user, replies)` sends the
        receipt afterwards."""
        view = body.get("view") or {}
        name = view.get("callback_id", "").removeprefix(CALLBACK_PREFIX)
        user = (body.get("user") or {}).get("id", "")
        values = submitted_values(view, self.tz)
        incoming = Incoming(
            text="",
            user_id=user,
            conversation_id=self.replier.dms.known(user),
            platform=PLATFORM,
            is_private=True,
            user_name=(body.get("user") or {}).get("username", ""),
        )
        result = self.reports.submit_form(
            incoming, name, values, idempotency_key=submission_key(view)
        )
        if not result.ok:
            ack(response_action="errors", errors={k: v[:200] for k, v in result.errors.items()})
            return
        ack()  # closes the modal; the receipt goes to the DM
        if result.replies:  # none for a replay: it was answered the first time
            send_dm(user, result.replies)


def form_view(form: FormSpec) -> dict:
    blocks = []
    for spec in form.fields:
        element = _element(spec)
        block = {
            "type": "input",
            "block_id": spec.name,
            "element": element,
            "label": _plain(spec.label, LABEL_LIMIT),
            # Slack-side optional also for conditional fields (the delay reason): the core
            # decides whether they apply and says so on the field.
            "optional": bool(spec.optional or spec.show_if),
        }
        hint = spec.why or spec.example
        if hint:
            block["hint"] = _plain(hint, HINT_LIMIT)
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": CALLBACK_PREFIX + form.name,
        "title": _plain(_cut(form.title, TITLE_LIMIT), TITLE_LIMIT),
        "submit": _plain(strings.MODAL_SUBMIT, TITLE_LIMIT),
        "close": _plain(strings.MODAL_CANCEL, TITLE_LIMIT),
        "blocks": blocks[:100],
        "private_metadata": json.dumps({"submission": uuid.uuid4().hex}),
    }


def submission_key(view: dict) -> str:
    """The key a modal's submission is filed under: minted when the modal opened (in
    private_metadata); for a view without one, its id and the exact state submitted."""
    try:
        minted = json.loads(view.get("private_metadata") or "{}").get("submission", "")
    except (ValueError, AttributeError):
        minted = ""
    if minted:
        return f"slack:{minted}"
    state = json.dumps(view.get("state") or {}, sort_keys=True)
    return f"slack:{view.get('id', '')}:{hashlib.sha256(state.encode()).hexdigest()}"


def submitted_values(view: dict, tz: ZoneInfo) -> dict[str, str]:
    """{field: text as the user would have typed it} from a view_submission's state."""
    out: dict[str, str] = {}
    for field, elements in ((view.get("state") or {}).get("values") or {}).items():
        for element in elements.values():
            kind = element.get("type")
            if kind in ("plain_text_input",):
                out[field] = element.get("value") or ""
            elif kind in ("static_select", "radio_buttons"):
                option = element.get("selected_option") or {}
                out[field] = option.get("value", "")
            elif kind == "datetimepicker":
                stamp = element.get("selected_date_time")
                out[field] = (
                    datetime.fromtimestamp(int(stamp), tz).strftime("%Y-%m-%d %H:%M")
                    if stamp
                    else ""
                )
    return out


def _element(spec) -> dict:
    if spec.kind == "yes_no":
        return {
            "type": "radio_buttons",
            "action_id": "v",
            "options": [_option("yes", "Yes"), _option("no", "No")],
        }
    if spec.kind == "choice":
        return {
            "type": "static_select",
            "action_id": "v",
            "options": [_option(value, label) for value, label in spec.choices][:100],
        }
    if spec.kind == "datetime":
        return {"type": "datetimepicker", "action_id": "v"}
    element = {
        "type": "plain_text_input",
        "action_id": "v",
        "max_length": min(spec.max_length, INPUT_LIMIT),
    }
    if spec.kind == "long_text":
        element["multiline"] = True
    return element


def _option(value: str, label: str) -> dict:
    return {"text": _plain(label, 75), "value": value[:150]}


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": _cut(text or " ", limit)}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
