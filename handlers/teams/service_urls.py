"""Where the bot may post: the Bot Connector hosts Microsoft documents, never any URL a request
names. An activity's `serviceUrl` is the base URL the bot answers to, and the bot sends its
credentials there: a forged one would make the bot post (and authenticate) to an attacker.

Documented hosts: `smba.trafficmanager.net` (Teams, every region: /amer/, /emea/, /apac/,
/teams/), `smba.infra.gcc.teams.microsoft.com` (GCC), `smba.infra.gov.teams.microsoft.us`
(GCC High), `smba.infra.dod.teams.microsoft.us` (DoD), and the Bot Framework's own domains
(`*.botframework.com`; `*.botframework.us` and `*.botframework.azure.us` for US Government;
`*.botframework.azure.cn` for Azure China). Exact host names for the Teams hosts: any Azure
customer can register a name under trafficmanager.net. Always https on the default port.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

TEAMS_HOSTS = frozenset(
    {
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
    }
)
BOT_FRAMEWORK_DOMAINS = (
    ".botframework.com",
    ".botframework.us",
    ".botframework.azure.us",
    ".botframework.azure.cn",
)


@dataclass(frozen=True)
class ServiceUrlPolicy:
    """`local_mode`: the Emulator on this machine, which serves on a loopback address;
    `extra_origins`: "scheme://host[:port]" the operator also trusts (TEAMS_EXTRA_SERVICE_URLS)."""

    local_mode: bool = False
    extra_origins: tuple[str, ...] = ()

    def allows(self, url: str | None) -> bool:
        try:
            parts = urlsplit((url or "").strip())
            host = (parts.hostname or "").lower()
            port = parts.port
        except ValueError:  # a malformed port or IPv6 literal
            return False
        if not host or parts.username is not None or parts.password is not None:
            return False
        if _origin(parts.scheme, host, port) in self._extra():
            return True
        if self.local_mode:
            return parts.scheme in ("http", "https") and is_loopback_host(host)
        if parts.scheme != "https" or port not in (None, 443):
            return False
        return host in TEAMS_HOSTS or host.endswith(BOT_FRAMEWORK_DOMAINS)

    def _extra(self) -> set[str]:
        origins = set()
        for raw in self.extra_origins:
            try:
                parts = urlsplit(raw.strip())
                origins.add(_origin(parts.scheme, (parts.hostname or "").lower(), parts.port))
            except ValueError:
                continue
        return origins


def _origin(scheme: str, host: str, port: int | None) -> str:
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}:{port or default}"


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
