"""The core's Notifier for Teams: posts reports to the supervisor channel, updates the posted
card (Acknowledge), and messages a user in their personal chat.

The Notifier interface is synchronous (the outbox is plain code), the SDK is asynchronous: the
notifier runs its calls on an event loop of its own in a background thread, so it can be
called from any thread — the core's worker, the outbox, a CLI command — without needing, or
blocking on, the web server's loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from bot.config import Config
from bot.messages import Reply
from bot.notify import DeliveryError, Posted
from handlers.teams.cards import card_attachment
from handlers.teams.connector import Connector
from handlers.teams.references import SUPERVISOR, PostedActivity, ReferenceStore, Target

log = logging.getLogger(__name__)

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams/"  # Teams' global endpoint
NOT_CONFIGURED_RETRY = 300.0  # seconds; an admin may register the channel meanwhile


class TeamsNotifier:
    platform = "teams"

    def __init__(self, *, connector: Connector, store: ReferenceStore, config: Config) -> None:
        self._connector = connector
        self._store = store
        self._config = config
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = threading.Lock()

    # ---- the Notifier protocol ----
    def post(self, destination: str, reply: Reply, *, key: str) -> Posted:
        """Post into `destination`: "" or "supervisor" = the supervisor channel, otherwise a
        Teams conversation ID. Posting the same `key` again returns the first post."""
        earlier = self._store.posted(key) if key else None
        if earlier:
            return Posted(earlier)
        target = self.resolve(destination)
        posted = self._run(self._connector.send(target, _message(reply, "channel")))
        if key:
            self._store.remember_post(key, posted.to_ref())
        return Posted(posted.to_ref())

    def find(self, destination: str, key: str) -> str | None:
        """After an attempt with an unknown outcome: the post, if it was remembered; else None —
        the Bot Framework can't list a channel's messages, so whether it landed can't be told
        (the outbox holds it for a person rather than guess)."""
        return (self._store.posted(key) if key else None) or None

    def update(self, destination: str, posted: Posted, reply: Reply) -> None:
        try:
            where = PostedActivity.from_ref(posted.ref)
        except ValueError as exc:
            raise DeliveryError(str(exc), permanent=True) from None
        self._run(self._connector.update(where, _message(reply, "channel")))

    def send_direct(self, user_id: str, reply: Reply) -> None:
        target = self._store.personal(user_id) or self._open_personal(user_id)
        self._run(self._connector.send(target, _message(reply, "personal")))

    # ---- where things go ----
    @property
    def destination(self) -> str:
        return self._configured_channel() or SUPERVISOR

    def is_supervisor_conversation(self, conversation_id: str) -> bool:
        """A channel conversation ID names the thread too ("19:…;messageid=…")."""
        channel = self._configured_channel() or getattr(
            self._store.supervisor(), "conversation_id", ""
        )
        return bool(channel) and conversation_id.split(";", 1)[0] == channel

    def resolve(self, destination: str) -> Target:
        """The supervisor channel comes from TEAMS_SUPERVISOR_CHANNEL when set (the deployment's
        explicit choice), otherwise from an admin's `set supervisor channel`."""
        if destination and destination != SUPERVISOR and destination != self._configured_channel():
            known = self._store.conversation(destination)
            return known or Target(self._service_url(), destination, self._tenant())
        if self._configured_channel():
            return Target(self._service_url(), self._configured_channel(), self._tenant())
        registered = self._store.supervisor()
        if registered is None:
            raise DeliveryError(
                "no Teams supervisor channel: set TEAMS_SUPERVISOR_CHANNEL or type "
                "'@EDC set supervisor channel' in the channel",
                retry_after=NOT_CONFIGURED_RETRY,
            )
        return registered

    def _open_personal(self, user_id: str) -> Target:
        seen = self._store.user(user_id)
        service_url = seen.service_url if seen else self._service_url()
        tenant = (seen.tenant_id if seen else "") or self._tenant()
        target = self._run(
            self._connector.open_personal(
                service_url=service_url, tenant_id=tenant, user_id=user_id
            )
        )
        self._store.save_personal(user_id, target)
        return target

    def _configured_channel(self) -> str:
        return self._config.teams_supervisor_channel

    def _service_url(self) -> str:
        return self._config.teams_service_url or DEFAULT_SERVICE_URL

    def _tenant(self) -> str:
        return self._config.teams_tenant_id or self._config.microsoft_app_tenant_id

    # ---- the background loop ----
    def _run(self, coroutine):
        loop = self._ensure_loop()
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result()

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._started:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="teams-notifier", daemon=True
                ).start()
                self._loop = loop
            return self._loop

    def close(self) -> None:
        with self._started:
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._loop = None


def _message(reply: Reply, scope: str) -> dict:
    return {"attachments": [card_attachment(reply, scope=scope)]}
