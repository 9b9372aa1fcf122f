"""The Bolt listeners: acknowledge first, drop repeats, hand the rest to the runner.

Each listener does the minimum inside Slack's 3-second window — `ack()`, a duplicate check, and
(for modals) validation, whose errors must travel *in* the ack (`response_action: errors`) —
then hands a Task to the runner, which does the real work (handlers/slack/work.py) on its own
threads. The one exception is opening a modal: its `trigger_id` expires 3 seconds after the
click, so `views.open` is called right after the ack.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from bot import actions
from bot.incidents import log_incident
from bot.messages import Action
from bot.seen import Seen
from handlers.slack import dedupe, inbound, strings
from handlers.slack.blocks import ACTION_PREFIX, action_name
from handlers.slack.tasks import Task

log = logging.getLogger(__name__)

COMMAND = "/edc"
EVENTS = ("app_home_opened", "app_mention", "message")  # what manifest.yml subscribes to
IGNORED_ACTIONS = frozenset({"picker.date", "picker.time"})  # read later from state.values
_OURS = re.compile("^" + re.escape(ACTION_PREFIX))


class SlackListeners:
    """What happens for each kind of Slack payload. Registered on a Bolt App by `register`."""

    def __init__(self, *, runner, seen: Seen, forms=None) -> None:
        self.runner = runner  # handlers.slack.work.TaskRunner
        self.seen = seen
        self.forms = forms  # handlers.slack.modal.FormModals, when the dialog engine has forms

    def register(self, app) -> None:
        app.command(COMMAND)(self.on_command)
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        app.event("app_home_opened")(self.on_home_opened)
        app.action(_OURS)(self.on_action)
        app.view(re.compile(r"^edc:form"))(self.on_view_submission)
        app.view_closed(re.compile(r"^edc:form"))(lambda ack: ack())
        app.error(self.on_error)

    # ---- Bolt listeners (argument names are Bolt's keyword injection) -------------------------

    def on_command(self, ack, body: dict) -> None:
        ack()
        incoming, origin = inbound.from_command(body)
        self.runner.submit(Task("answer", origin.user_id, incoming=incoming, origin=origin))

    def on_message(self, ack, body: dict) -> None:
        ack()
        translated = inbound.from_message(body)
        if translated is None or not self._first_event(body):
            return
        incoming, origin = translated
        self.runner.submit(Task("answer", origin.user_id, incoming=incoming, origin=origin))

    def on_mention(self, ack, body: dict, context) -> None:
        ack()
        translated = inbound.from_mention(body, bot_user_id=context.bot_user_id or "")
        if translated is None or not self._first_event(body):
            return
        incoming, origin = translated
        self.runner.submit(Task("answer", origin.user_id, incoming=incoming, origin=origin))

    def on_home_opened(self, ack, body: dict) -> None:
        ack()
        event = body.get("event") or {}
        if event.get("tab") != "home" or not self._first_event(body):
            return
        user = event.get("user", "")
        self.runner.submit(Task("home", user))

    def on_action(self, ack, body: dict) -> None:
        action = (body.get("actions") or [{}])[0]
        name = action_name(action.get("action_id", ""))
        if name in IGNORED_ACTIONS:
            ack()
            return
        if not self.seen.first(dedupe.click_key(body, action), dedupe.CLICK_TTL):
            ack()
            log.info("ignored a repeated click on %s", name)
            return
        if name == actions.OPEN_FORM and self.forms is not None:
            ack()
            self.forms.open(body, action)  # now: the trigger_id dies 3 s after the click
            return
        ack()
        incoming, origin = inbound.from_action(body, action)
        if not origin.channel_id and not origin.response_url:
            # App Home: the private place to answer is the DM.
            origin = dataclasses.replace(origin, in_dm=True)
            incoming = dataclasses.replace(incoming, is_private=True)
        if name == "prompt.datetime":
            typed = _picked_datetime(body)
            if typed is None:
                self.runner.submit(
                    Task("note", origin.user_id, origin=origin, text=strings.PICK_BOTH)
                )
                return
            field = action.get("value", "")
            incoming = dataclasses.replace(
                incoming, action=Action(actions.ANSWER, f"{field}={typed}")
            )
        self.runner.submit(Task("answer", origin.user_id, incoming=incoming, origin=origin))

    def on_view_submission(self, ack, body: dict) -> None:
        if self.forms is None:
            ack()
            return
        self.forms.submit(ack, body, self._send_dm)

    def on_error(self, error: Exception, body: dict) -> None:
        log_incident(log, "in a Slack listener (%s): %r", body.get("type"), error, exc_info=error)

    def _first_event(self, body: dict) -> bool:
        key = dedupe.event_key(body)
        message = dedupe.message_key(body.get("event") or {})
        first = key is None or self.seen.first(key, dedupe.EVENT_TTL)
        # The same message can also arrive under a second event ID (message.im + app_mention).
        if first and message and message != key:
            first = self.seen.first(message, dedupe.EVENT_TTL)
        if not first:
            log.info("ignored a repeated Slack event %s", key or message)
        return first

    def _send_dm(self, user: str, replies) -> None:
        self.runner.submit(Task("dm", user, replies=tuple(replies)))


def _picked_datetime(body: dict) -> str | None:
    """The date and time picked next to a "Use this date and time" button, as typed text."""
    values = (body.get("state") or {}).get("values") or {}
    date = time = None
    for block in values.values():
        for element in block.values():
            if element.get("type") == "datepicker" and element.get("selected_date"):
                date = element["selected_date"]
            if element.get("type") == "timepicker" and element.get("selected_time"):
                time = element["selected_time"]
    if not (date and time):
        return None
    return f"{date} {time}"
