"""One incoming activity: translate it, ask the core, send the replies where they belong.

The core is synchronous; it runs on one worker thread of its own (`executor`), so the web
server's loop stays free and the core's SQLite connections see a single thread. Replies the
core addresses to the user's private conversation (`Reply.to == "dm"`, e.g. a report started in
a channel) go to their personal chat, proactively, and the channel is told so.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from concurrent.futures import Executor, ThreadPoolExecutor

from botbuilder.core import Bot as SdkBot
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity

from bot import strings as core_strings
from bot.config import Config
from bot.engine import Bot
from bot.forms.menu import help_lines, start_buttons
from bot.forms.registry import current_forms
from bot.messages import Reply, Text
from bot.notify import DeliveryError
from handlers.teams import strings
from handlers.teams.activities import Event, channel_of, tenant_of, translate
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
                await self._send_here(context, [welcome(event.scope, self._core)], event.scope)
            elif event.kind == "set_supervisor":
                await self._send_here(context, [self._set_supervisor(activity, event)], event.scope)
            else:
                loop = asyncio.get_running_loop()
                replies = await loop.run_in_executor(
                    self._executor, self._core.handle, event.incoming
                )
                await self._deliver(context, event, replies)
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("incident %s in a Teams %s activity", incident, activity.type)
            await self._apologise(context, incident)
        finally:
            if activity.type == "invoke":
                await _invoke_ok(context)

    # ---- where replies go ----
    async def _deliver(self, context: TurnContext, event: Event, replies: list[Reply]) -> None:
        private = [r for r in replies if _goes_to_personal_chat(r, event.scope)]
        here = [r for r in replies if r not in private]
        if private:
            try:
                target = await self._personal_chat(context)
                for reply in private:
                    await self._connector.send(target, _message(reply, "personal"))
                if not here:
                    moved = any(r.to == "dm" for r in private)
                    here = [
                        _note(strings.MOVED_TO_PERSONAL if moved else strings.ANSWERED_IN_PERSONAL)
                    ]
            except DeliveryError as exc:
                log.warning(
                    "could not open a personal chat with %s: %s", event.incoming.user_id, exc
                )
                here = [_note(strings.PERSONAL_CHAT_FAILED)]
        await self._send_here(context, here, event.scope)

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

    async def _apologise(self, context: TurnContext, incident: str) -> None:
        try:
            reply = Reply(
                (Text(core_strings.ERROR.format(incident=incident), "warning"),), kind="error"
            )
            await self._send_here(context, [reply], "personal")
        except Exception:  # the connector itself may be what failed; the log has the incident
            log.warning("could not tell the user about incident %s", incident)

    # ---- Teams-only commands and bookkeeping ----
    def _set_supervisor(self, activity, event: Event) -> Reply:
        sender = activity.from_property
        if event.scope == "personal":
            return _note(strings.SUPERVISOR_ONLY_IN_CHANNEL)
        if not ({sender.id, sender.aad_object_id} & set(self._config.admins)):
            return _note(
                strings.SUPERVISOR_NOT_ADMIN.format(user_id=sender.aad_object_id or sender.id)
            )
        target = Target(activity.service_url, channel_of(activity), tenant_of(activity))
        self._store.save_conversation(
            SUPERVISOR, target, registered_by=sender.aad_object_id or sender.id
        )
        log.info("supervisor channel registered by %s: %s", sender.id, target.conversation_id)
        if self._config.teams_supervisor_channel:
            return _note(strings.SUPERVISOR_SET_OVERRIDDEN)
        return Reply((Text(strings.SUPERVISOR_SET, "success"),), kind="note")

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


# Teams has no ephemeral messages: an answer to a question asked in a channel goes to the
# asker's personal chat (answers are private to the asker unless they choose to share), and so
# does anything the core sends to the DM (a report dialog). The policy text itself (help,
# clauses, the table of contents) is public and stays in the thread.
PRIVATE_KINDS = frozenset({"answer", "decline"})


def _goes_to_personal_chat(reply: Reply, scope: str) -> bool:
    if scope == "personal":
        return False
    return reply.to == "dm" or (reply.private and reply.kind in PRIVATE_KINDS)


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
        return Reply((title, body, start), kind="welcome")
    return Reply(
        (title, Text(strings.WELCOME_CHANNEL.format(**names))),
        private=False,
        kind="welcome",
    )


def _note(text: str) -> Reply:
    return Reply((Text(text),), kind="note")


def _message(reply: Reply, scope: str) -> dict:
    return {"attachments": [card_attachment(reply, scope=scope)]}


async def _invoke_ok(context: TurnContext) -> None:
    """Teams shows an error on the card unless an invoke gets an answer."""
    body = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "OK"}
    await context.send_activity(
        Activity(type="invokeResponse", value=InvokeResponse(status=200, body=body))
    )
