"""POST /api/messages: the Bot Framework's messaging endpoint, mounted on the shared web app.

Authentication: with MicrosoftAppId set, every request must carry a Bot Framework token the SDK
verifies (none or an invalid one → 401). With no app ID the bot runs in the Bot Framework
Emulator's local mode — no tokens — and then answers requests from loopback only: an
unauthenticated bot reachable from the network would post wherever a request's `serviceUrl`
told it to.
"""

from __future__ import annotations

import ipaddress
import logging
import uuid
from dataclasses import dataclass

from aiohttp import web

from bot.config import Config
from bot.engine import Bot

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
LOCAL_MODE_WARNING = (
    "Teams: MicrosoftAppId is not set — running in the Bot Framework Emulator's local mode "
    "(no authentication); %s answers requests from this machine only"
)


@dataclass
class TeamsApp:
    """What build_teams built: the core's Notifier for Teams, and things tests inspect."""

    notifier: object  # handlers.teams.notifier.TeamsNotifier
    turns: object  # handlers.teams.turn.TeamsTurns
    store: object  # handlers.teams.references.ReferenceStore
    handler: object  # the aiohttp handler of POST /api/messages

    @property
    def routes(self) -> list[tuple[str, str, object]]:
        """For handlers.http_server.build_web_app(extra_routes=...)."""
        return [("POST", ROUTE, self.handler)]

    @property
    def destination(self) -> str:
        """The supervisor channel as the delivery worker names it (handlers/teams/surface.py)."""
        return self.notifier.destination

    def in_supervisor_channel(self, incoming) -> bool:
        """Whether a Teams message/click came from the supervisor channel (for can_acknowledge)."""
        return self.notifier.is_supervisor_conversation(incoming.conversation_id)

    def close(self) -> None:
        self.notifier.close()
        self.store.close()


def build_teams(*, core: Bot, config: Config, store=None, timeout: float | None = None) -> TeamsApp:
    """The Teams surface: its endpoint handler, its Notifier, its stored references.

    `store`: a ReferenceStore (default: tables in the records database at DATABASE_PATH);
    `timeout`: seconds a call to the Bot Connector may take (default connector.TIMEOUT_SECONDS).
    Raises ConfigError when app credentials are incomplete."""
    # The SDK is imported here, not at module level: only a process that serves Teams pays for it.
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    from handlers.teams.connector import TIMEOUT_SECONDS, Connector
    from handlers.teams.notifier import TeamsNotifier
    from handlers.teams.references import ReferenceStore
    from handlers.teams.turn import TeamsTurns

    app_type = (config.microsoft_app_type or "MultiTenant").lower()
    if not config.microsoft_app_id:
        log.warning(LOCAL_MODE_WARNING, ROUTE)
    elif app_type == "singletenant":
        config.require("microsoft_app_password", "microsoft_app_tenant_id")
    elif app_type != "userassignedmsi":
        config.require("microsoft_app_password")
    auth = ConfigurationBotFrameworkAuthentication(_SdkSettings(config))
    adapter = CloudAdapter(auth)
    store = store or ReferenceStore(config.database_path)
    connector = Connector(
        auth=auth, app_id=config.microsoft_app_id, timeout=timeout or TIMEOUT_SECONDS
    )
    turns = TeamsTurns(core=core, config=config, store=store, connector=connector)
    notifier = TeamsNotifier(connector=connector, store=store, config=config)
    endpoint = _MessagesEndpoint(
        adapter=adapter, turns=turns, local_mode=not config.microsoft_app_id
    )
    return TeamsApp(notifier=notifier, turns=turns, store=store, handler=endpoint.handle)


class _SdkSettings:
    """The configuration object the SDK reads (its attribute names)."""

    def __init__(self, config: Config) -> None:
        self.APP_ID = config.microsoft_app_id
        self.APP_PASSWORD = config.microsoft_app_password
        self.APP_TYPE = config.microsoft_app_type or "MultiTenant"
        self.APP_TENANTID = config.microsoft_app_tenant_id


class _MessagesEndpoint:
    def __init__(self, *, adapter, turns, local_mode: bool) -> None:
        self._adapter = adapter
        self._turns = turns
        self._local_mode = local_mode

    async def handle(self, request: web.Request) -> web.StreamResponse:
        from botbuilder.schema import Activity
        from jwt import PyJWTError

        if self._local_mode and not _is_loopback(request.remote):
            log.warning("Teams local mode: refused a request from %s", request.remote)
            return _error(
                401, "this bot runs without authentication and accepts local requests only"
            )
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _error(415, "expected a JSON Bot Framework activity")
        try:
            body = await request.json()
            activity = Activity().deserialize(body)
        except Exception:  # malformed JSON or a body that is no activity
            return _error(400, "the body is not a Bot Framework activity")
        if not isinstance(body, dict) or not activity.type:
            return _error(400, "the body is not a Bot Framework activity")
        auth_header = request.headers.get("Authorization", "")
        try:
            verified = await self._adapter.bot_framework_authentication.authenticate_request(
                activity, auth_header
            )
        except (PermissionError, PyJWTError):
            return _error(401, "missing or invalid Bot Framework token")
        except Exception as exc:  # e.g. the token keys could not be fetched right now
            log.warning("Teams: could not verify a request's token: %s", exc)
            return _error(503, "could not verify the token now; try again")
        try:
            invoke = await self._adapter.process_activity(verified, activity, self._turns.on_turn)
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("incident %s processing a Teams activity", incident)
            return _error(500, f"internal error (incident {incident})")
        if invoke is not None:
            return web.json_response(invoke.body, status=int(invoke.status))
        return web.Response(status=200)


def _is_loopback(remote: str | None) -> bool:
    try:
        address = ipaddress.ip_address((remote or "").split("%", 1)[0])
    except ValueError:  # a Unix socket, or no peer address at all
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on dual-stack sockets
    return (mapped or address).is_loopback


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
