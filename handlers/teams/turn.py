"""One incoming activity: translate it, ask the core, send the replies where they belong.

The core is synchronous; it runs on one worker thread of its own (`executor`), so the web
server's loop stays free and the core's SQLite connections see a single thread. Replies the
core marks private (`Reply.private`: everything but a shared answer and a channel's welcome) or
addresses to the user's private conversation (`Reply.to == "dm"`, e.g. a report started in a
channel) go to their personal chat when they wrote in a channel, proactively — Teams has no
ephemeral messages — and the channel is told only that.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from botbuilder.core import Bot as SdkBot
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity

from bot.config import Config
from bot.engine import Bot, error_reply
from bot.forms.menu import help_lines, start_buttons
from bot.forms.registry import current_forms
from bot.incidents import log_incident
from bot.messages import Reply, Text
from bot.notify import DeliveryError
from handlers.teams import strings
from handlers.teams.activities import Event, channel_of, scope_of, tenant_of, translate
from handlers.teams.cards import card_attachment
from handlers.teams.connector import Connector
from handlers.teams.dedupe import SeenActivities
from handlers.teams.references import SUPERVISOR, ReferenceStore, Target

log = logging.getLogger(__name__)


class TeamsTurns(SdkBot):
    def __init__(
        self,
        *,
        core: Bot,
        config: Config,
        store: ReferenceStore,
        connector: Connector,
        seen: SeenActivities | None = None,
        executor: Executor | None = None,
    ) -> None:
        self._core = core
        self._config = config
        self._store = store
        self._connector = connector
        self._seen = seen or SeenActivities()
        self._executor = executor or ThreadPoolExecutor(1, thread_name_prefix="edc-core")
        self._known: dict[str, tuple] = {}  # user → what was last saved about them

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        conversation = activity.conversation.id if activity.conversation else ""
        event = None
        try:
            if not self._seen.first_time(conversation, activity.id or ""):
                log.info("ignored a repeated delivery of activity %s", activity.id)
                return
            event = translate(activity)
            if event.kind == "ignore":
                return
            self._remember(activity, event)
            if event.kind == "welcome":
                await self._deliver(context, event.scope, [welcome(event.scope, self._core)])
            elif event.kind == "set_supervisor":
                await self._deliver(context, event.scope, [self._set_supervisor(activity, event)])
            else:
                loop = asyncio.get_running_loop()
                replies = await loop.run_in_executor(
                    self._executor, self._core.handle, event.incoming
                )
                await self._deliver(context, event.scope, replies)
        except Exception:
            incident = log_incident(log, "in a Teams %s activity", activity.type)
            await self._apologise(context, event.scope if event else scope_of(activity), incident)
        finally:
            if activity.type == "invoke":
                await _invoke_ok(context)

    # ---- where replies go ----
    async def _deliver(self, context: TurnContext, scope: str, replies: list[Reply]) -> None:
        """What the core marked private goes to the asker alone; the rest stays here."""
        private = [r for r in replies if _goes_to_personal_chat(r, scope)]
        here = [r for r in replies if not _goes_to_personal_chat(r, scope)]
        if private:
            try:
                target = await self._personal_chat(context)
                for reply in private:
                    await self._connector.send(target, _message(reply, "personal"))
                if not here:
                    moved = any(r.to == "dm" for r in private)
                    here = [
                        _notice(
                            strings.MOVED_TO_PERSONAL if moved else strings.ANSWERED_IN_PERSONAL
                        )
                    ]
            except DeliveryError as exc:
                log.warning("could not open a personal chat: %s", exc)
                here = [_notice(strings.PERSONAL_CHAT_FAILED)]
        await self._send_here(context, here, scope)

    async def _send_here(self, context: TurnContext, replies: list[Reply], scope: str) -> None:
        for reply in replies:
            await context.send_activity(
                Activity().deserialize({"type": "message", **_message(reply, scope)})
            )

    async def _personal_chat(self, context: TurnContext) -> Target:
        activity = context.activity
        user = activity.from_property.id
        known = self._store.personal(user)
        if known:
            return known
        target = await self._connector.open_personal(
            service_url=activity.service_url, tenant_id=tenant_of(activity), user_id=user
        )
        self._store.save_personal(user, target)
        return target

    async def _apologise(self, context: TurnContext, scope: str, incident: str) -> None:
        try:
            await self._deliver(context, scope, [error_reply(incident)])
        except Exception:  # the connector itself may be what failed; the log has the incident
            log.warning("could not tell the user about incident %s", incident)

    # ---- Teams-only commands and bookkeeping ----
    def _set_supervisor(self, activity, event: Event) -> Reply:
        sender = activity.from_property
        if event.scope == "personal":
            return _notice(strings.SUPERVISOR_ONLY_IN_CHANNEL)
        if not ({sender.id, sender.aad_object_id} & set(self._config.admins)):
            return _notice(
                strings.SUPERVISOR_NOT_ADMIN.format(user_id=sender.aad_object_id or sender.id)
            )
        target = Target(activity.service_url, channel_of(activity), tenant_of(activity))
        self._store.save_conversation(
            SUPERVISOR, target, registered_by=sender.aad_object_id or sender.id
        )
        log.info("supervisor channel registered by %s: %s", sender.id, target.conversation_id)
        if self._config.teams_supervisor_channel:
            return _notice(strings.SUPERVISOR_SET_OVERRIDDEN)
        return Reply((Text(strings.SUPERVISOR_SET, "success"),), kind="note", private=False)

    def _remember(self, activity, event: Event) -> None:
        """Keep what a later proactive message needs: where the user is, their personal chat."""
        sender = activity.from_property
        if sender is None or not sender.id or event.kind == "welcome" and event.scope != "personal":
            return
        tenant = tenant_of(activity)
        facts = (
            activity.service_url,
            tenant,
            event.scope == "personal" and activity.conversation.id,
        )
        if self._known.get(sender.id) == facts:
            return
        self._store.saw_user(
            sender.id,
            aad_object_id=sender.aad_object_id or "",
            service_url=activity.service_url,
            tenant_id=tenant,
        )
        if event.scope == "personal":
            self._store.save_personal(
                sender.id, Target(activity.service_url, activity.conversation.id, tenant)
            )
        self._known[sender.id] = facts


def _goes_to_personal_chat(reply: Reply, scope: str) -> bool:
    """The one privacy rule, read from the core's flags: outside a personal chat, private
    replies and replies for the user's private conversation go to their personal chat."""
    return scope != "personal" and (reply.private or reply.to == "dm")


def welcome(scope: str, core: Bot) -> Reply:
    """The first message in a chat, naming the policy the core serves."""
    names = {
        "policy_name": core.policy.name,
        "policy_code": core.policy.code,
        "example_clause": core.bundle.example_clause,
    }
    title = Text(strings.WELCOME_TITLE.format(**names), "heading")
    if scope == "personal":
        forms = current_forms()
        lines = "\n".join(help_lines(forms, prefix="", width=0))
        body = Text(strings.WELCOME_PERSONAL.format(form_lines=lines, **names))
        start = start_buttons(forms)
        return Reply((title, body, start), kind="welcome", private=True)
    return Reply(
        (title, Text(strings.WELCOME_CHANNEL.format(**names))),
        private=False,
        kind="welcome",
    )


def _notice(text: str) -> Reply:
    """A note for the conversation it is sent to, with nothing private in it (where an answer
    went, whether the channel was registered)."""
    return Reply((Text(text),), kind="note", private=False)


def _message(reply: Reply, scope: str) -> dict:
    return {"attachments": [card_attachment(reply, scope=scope)]}


async def _invoke_ok(context: TurnContext) -> None:
    """Teams shows an error on the card unless an invoke gets an answer."""
    body = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "OK"}
    await context.send_activity(
        Activity(type="invokeResponse", value=InvokeResponse(status=200, body=body))
    )
