"""Outgoing calls to the Bot Connector service for messages nobody asked for (proactive):
post to a channel, update a posted card, open a personal chat. Each failure becomes the core's
DeliveryError so the outbox can decide whether and when to try again; nothing retries here.
"""

from __future__ import annotations

import asyncio
import logging

from botbuilder.schema import Activity, ChannelAccount, ConversationParameters
from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity

from bot.notify import DeliveryError
from handlers.teams.references import PostedActivity, Target
from handlers.teams.service_urls import ServiceUrlPolicy

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
DEFAULT_RETRY_AFTER = 30.0  # a 429 without Retry-After
_PERMANENT = {400, 401, 403, 404, 405, 413}  # bad request, not allowed, gone, too large


class Connector:
    def __init__(
        self, *, auth, app_id: str, timeout: float = TIMEOUT_SECONDS, service_urls=None
    ) -> None:
        """`auth`: the adapter's BotFrameworkAuthentication (credentials and endpoints);
        `service_urls`: a service_urls.ServiceUrlPolicy, where the bot may post at all."""
        self._auth = auth
        self._app_id = app_id
        self._timeout = timeout
        self._service_urls = service_urls or ServiceUrlPolicy()

    async def send(self, target: Target, activity: dict) -> PostedActivity:
        """Post a new message into `target` (a channel ID starts a new thread)."""
        message = _activity(activity, target)

        async def call(client):
            return await client.conversations.send_to_conversation(target.conversation_id, message)

        response = await self._call(target.service_url, call)
        return PostedActivity(target.service_url, target.conversation_id, response.id or "")

    async def update(self, posted: PostedActivity, activity: dict) -> None:
        """Replace a posted message; the activity ID stays the same."""
        message = _activity(activity, Target(posted.service_url, posted.conversation_id))
        message.id = posted.activity_id

        async def call(client):
            return await client.conversations.update_activity(
                posted.conversation_id, posted.activity_id, message
            )

        await self._call(posted.service_url, call)

    async def open_personal(self, *, service_url: str, tenant_id: str, user_id: str) -> Target:
        """The 1:1 chat between the bot and a user (Teams returns the existing one if any)."""
        params = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=f"28:{self._app_id}") if self._app_id else None,
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant_id or None,
            channel_data={"tenant": {"id": tenant_id}} if tenant_id else None,
        )

        async def call(client):
            return await client.conversations.create_conversation(params)

        response = await self._call(service_url, call)
        return Target(response.service_url or service_url, response.id, tenant_id)

    async def _call(self, service_url: str, call):
        if not service_url:
            raise DeliveryError("no Teams service URL known for this conversation", permanent=True)
        if not self._service_urls.allows(service_url):
            raise DeliveryError(
                f"{service_url!r} is not a Bot Framework service URL (TEAMS_SERVICE_URL, or a "
                "stored conversation): nothing was sent",
                permanent=True,
            )
        try:
            async with await self._client(service_url) as client:
                return await asyncio.wait_for(call(client), self._timeout)
        except DeliveryError:
            raise
        except Exception as exc:  # the SDK raises msrest / requests / asyncio errors
            raise delivery_error(exc) from exc

    async def _client(self, service_url: str):
        claims = ClaimsIdentity(
            {
                AuthenticationConstants.AUDIENCE_CLAIM: self._app_id,
                AuthenticationConstants.APP_ID_CLAIM: self._app_id,
            },
            True,
        )
        factory = self._auth.create_connector_factory(claims)
        client = await factory.create(service_url, None)
        client.config.connection.timeout = self._timeout  # the HTTP request itself, too
        return client


def delivery_error(exc: BaseException) -> DeliveryError:
    """Classify a connector failure: 429 → retry after the header's delay; 5xx, timeouts and
    connection errors → retry; other 4xx → permanent (the outbox reports instead of retrying)."""
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return DeliveryError("Teams did not answer in time")
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if status is None:
        return DeliveryError(f"could not reach Teams: {type(exc).__name__}: {exc}")
    if status == 429:
        return DeliveryError(
            "Teams is rate-limiting the bot (429)", retry_after=_retry_after(response)
        )
    if status in _PERMANENT:
        return DeliveryError(f"Teams refused the message (HTTP {status})", permanent=True)
    return DeliveryError(f"Teams failed (HTTP {status})")


def _retry_after(response) -> float:
    raw = (getattr(response, "headers", None) or {}).get("Retry-After", "")
    try:
        return max(0.0, float(raw))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER  # an HTTP date, or nothing: wait a while


def _activity(data: dict, target: Target) -> Activity:
    activity = Activity().deserialize({"type": "message", **data})
    if target.tenant_id:
        activity.channel_data = {
            **(activity.channel_data or {}),
            "tenant": {"id": target.tenant_id},
        }
    return activity
