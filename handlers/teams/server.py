"""POST /api/messages: the Bot Framework's messaging endpoint, mounted on the shared web app.

Authentication: with MicrosoftAppId set, every request must carry a Bot Framework token the SDK
verifies (none or an invalid one → 401). Without credentials the endpoint is not mounted at all,
unless TEAMS_LOCAL_MODE=1 asks for the Bot Framework Emulator's local mode — no tokens — and then
it answers only requests whose peer is loopback *and* that carry no forwarding header: a reverse
proxy on the same host connects from 127.0.0.1 too, on behalf of anyone. An unauthenticated bot
reachable from the network would post wherever a request's `serviceUrl` told it to.

Either way a `serviceUrl` outside the Bot Framework's documented hosts (service_urls.py) is
refused before anything runs, so the bot never posts to a URL an attacker chose.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from dataclasses import dataclass

from aiohttp import web

from bot.config import Config
from bot.engine import Bot
from bot.incidents import log_incident
from handlers.teams.activities import invalid_activity

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
MAX_ACTIVITY = 256 * 1024  # an activity is a few KB; Teams caps messages at about 28 KB
CALLER_ID = "urn:botframework:azure"  # the SDK's caller ID for a public-cloud channel
LOCAL_MODE_WARNING = (
    "Teams: TEAMS_LOCAL_MODE is set — running in the Bot Framework Emulator's local mode "
    "(no authentication); %s answers requests from this machine only, never through a proxy"
)
# Headers a proxy adds: a request carrying one came from somewhere else, whatever its peer.
FORWARDING_HEADERS = (
    "forwarded",
    "via",
    "x-real-ip",
    "x-client-ip",
    "true-client-ip",
    "cf-connecting-ip",
    "fastly-client-ip",
    "x-cluster-client-ip",
)


@dataclass
class TeamsApp:
    """What build_teams built: the core's Notifier for Teams, and things tests inspect."""

    notifier: object  # handlers.teams.notifier.TeamsNotifier
    turns: object  # handlers.teams.turn.TeamsTurns
    store: object  # handlers.teams.references.ReferenceStore
    handler: object  # the aiohttp handler of POST /api/messages
    enabled: bool = True  # False: no credentials and no local mode, /api/messages not served
    keys: object = None  # handlers.teams.signing_keys.SigningKeys when authenticated

    def health(self) -> str | None:
        """For /healthz: None when Teams can verify requests, else what is stuck."""
        return self.keys.health() if self.keys is not None else None

    @property
    def routes(self) -> list[tuple[str, str, object]]:
        """For handlers.http_server.build_web_app(extra_routes=...): none when Teams is off."""
        return [("POST", ROUTE, self.handler)] if self.enabled else []

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
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
        ConfigurationServiceClientCredentialFactory,
    )

    from handlers.teams.connector import TIMEOUT_SECONDS, Connector
    from handlers.teams.credentials import TokenFirst
    from handlers.teams.notifier import TeamsNotifier
    from handlers.teams.references import ReferenceStore
    from handlers.teams.service_urls import ServiceUrlPolicy
    from handlers.teams.signing_keys import SigningKeys
    from handlers.teams.turn import TeamsTurns

    app_type = (config.microsoft_app_type or "MultiTenant").lower()
    if config.teams_local_mode:
        log.warning(LOCAL_MODE_WARNING, ROUTE)
    elif not config.microsoft_app_id:
        log.info("Teams is not configured (MicrosoftAppId, or TEAMS_LOCAL_MODE): %s is off", ROUTE)
    elif app_type == "singletenant":
        config.require("microsoft_app_password", "microsoft_app_tenant_id")
    elif app_type != "userassignedmsi":
        config.require("microsoft_app_password")
    settings = _SdkSettings(config)
    auth = ConfigurationBotFrameworkAuthentication(
        settings,
        credentials_factory=TokenFirst(ConfigurationServiceClientCredentialFactory(settings)),
    )
    adapter = CloudAdapter(auth)
    store = store or ReferenceStore(config.database_path)
    service_urls = ServiceUrlPolicy(
        local_mode=config.teams_local_mode, extra_origins=config.teams_extra_service_urls
    )
    connector = Connector(
        auth=auth,
        app_id=config.microsoft_app_id,
        timeout=timeout or TIMEOUT_SECONDS,
        service_urls=service_urls,
    )
    turns = TeamsTurns(core=core, config=config, store=store, connector=connector)
    notifier = TeamsNotifier(connector=connector, store=store, config=config)
    keys = None
    if config.teams_authenticated:
        keys = SigningKeys(config.teams_openid_metadata_url)
        keys.start()
    endpoint = _MessagesEndpoint(
        adapter=adapter,
        turns=turns,
        local_mode=config.teams_local_mode,
        service_urls=service_urls,
        keys=keys,
        app_id=config.microsoft_app_id,
    )
    return TeamsApp(
        notifier=notifier,
        turns=turns,
        store=store,
        handler=endpoint.handle,
        enabled=config.teams_enabled,
        keys=keys,
    )


class _SdkSettings:
    """The configuration object the SDK reads (its attribute names)."""

    def __init__(self, config: Config) -> None:
        self.APP_ID = config.microsoft_app_id
        self.APP_PASSWORD = config.microsoft_app_password
        self.APP_TYPE = config.microsoft_app_type or "MultiTenant"
        self.APP_TENANTID = config.microsoft_app_tenant_id


class _MessagesEndpoint:
    def __init__(
        self, *, adapter, turns, local_mode: bool, service_urls, keys=None, app_id: str = ""
    ) -> None:
        """`keys`: the Bot Framework's SigningKeys (authenticated mode; None in local mode)."""
        self._adapter = adapter
        self._turns = turns
        self._local_mode = local_mode
        self._service_urls = service_urls
        self._keys = keys
        self._app_id = app_id

    async def handle(self, request: web.Request) -> web.StreamResponse:
        from botbuilder.schema import Activity

        from handlers.http_server import read_body

        if self._local_mode and not _is_local(request):
            log.warning("Teams local mode: refused a request that is not from this machine")
            return _error(
                401, "this bot runs without authentication and accepts local requests only"
            )
        if request.content_type != "application/json":
            return _error(415, "expected a JSON Bot Framework activity")
        raw = await read_body(request, limit=MAX_ACTIVITY)
        try:
            body = json.loads(raw)
            activity = Activity().deserialize(body) if isinstance(body, dict) else None
        except Exception:  # noqa: BLE001 — not JSON, or msrest found no activity in it
            activity = None
        problem = invalid_activity(activity) if activity is not None else "not an activity"
        if problem:
            return _error(400, f"the body is not a Bot Framework activity ({problem})")
        if not self._service_urls.allows(activity.service_url):
            log.warning("Teams: refused an activity naming a service URL that is not Microsoft's")
            return _error(403, "the activity's serviceUrl is not a Bot Framework service URL")
        verified = await self._authenticate(request, activity)
        if isinstance(verified, web.Response):
            return verified
        try:
            invoke = await self._adapter.process_activity(verified, activity, self._turns.on_turn)
        except ConnectionError as exc:  # e.g. Microsoft's login service did not answer in time
            log.warning("Teams: could not answer an activity now: %s", exc)
            return _error(503, "could not reach Teams to answer now; try again")
        except Exception:
            incident = log_incident(log, "processing a Teams activity")
            return _error(500, f"internal error (incident {incident})")
        if invoke is not None:
            return web.json_response(invoke.body, status=int(invoke.status))
        return web.Response(status=200)

    async def _authenticate(self, request: web.Request, activity):
        """The SDK's AuthenticateRequestResult, or the error response to answer with."""
        if self._keys is None:  # local mode: the SDK's anonymous identity
            return await self._adapter.bot_framework_authentication.authenticate_request(
                activity, ""
            )
        from handlers.teams.tokens import InvalidToken, KeysUnavailable, verify_token

        try:
            claims = await verify_token(
                request.headers.get("Authorization", ""),
                keys=self._keys,
                app_id=self._app_id,
                channel_id=activity.channel_id or "",
                service_url=activity.service_url or "",
            )
        except InvalidToken as exc:
            log.info("Teams: refused a request: %s", exc)
            return _error(401, "missing or invalid Bot Framework token")
        except KeysUnavailable as exc:
            log.warning("Teams: could not verify a request's token: %s", exc)
            return _error(503, "could not verify the token now; try again")
        return _authenticated(self._adapter.bot_framework_authentication, claims)


def _authenticated(auth, claims: dict):
    """What the SDK's own authenticate_request returns for a verified channel token."""
    from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity

    identity = ClaimsIdentity(claims, True)
    result = AuthenticateRequestResult()
    result.claims_identity = identity
    result.audience = auth.get_originating_audience()
    result.caller_id = CALLER_ID
    result.connector_factory = auth.create_connector_factory(identity)
    return result


def _is_local(request: web.Request) -> bool:
    """From this machine itself: a loopback peer, no proxy in between, and addressed to a
    loopback name (a web page whose name an attacker re-pointed at 127.0.0.1 — DNS rebinding —
    reaches the bot from the developer's own browser, but under the attacker's name)."""
    from handlers.teams.service_urls import is_loopback_host

    if not _is_loopback(request.remote):
        return False
    if not is_loopback_host((request.host or "").rsplit(":", 1)[0].strip("[]").lower()):
        return False
    return not any(
        name.lower().startswith("x-forwarded-") or name.lower() in FORWARDING_HEADERS
        for name in request.headers
    )


def _is_loopback(remote: str | None) -> bool:
    try:
        address = ipaddress.ip_address((remote or "").split("%", 1)[0])
    except ValueError:  # a Unix socket, or no peer address at all
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on dual-stack sockets
    return (mapped or address).is_loopback


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
