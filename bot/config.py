"""All configuration, read once from the environment and `.env` (the environment wins).

Nothing here reads the environment at import time: `load_config()` is called by app.py, and
tests pass their own mapping. A platform's keys are checked only when that platform is used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from knowledge.bundle import DEFAULT_BUNDLE

# The project's root (where app.py is): relative paths in the settings are resolved against it,
# never against the current directory, so `reports list` run from elsewhere reads the same
# database (and `.env`) the server writes.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILT_IN_FORMS = Path(__file__).resolve().parent / "forms" / "definitions"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


BOT_FRAMEWORK_OPENID_METADATA_URL = (
    "https://login.botframework.com/v1/.well-known/openidconfiguration"
)


def _secret():
    return field(default="", repr=False)


@dataclass(frozen=True)
class Config:
    slack_bot_token: str = _secret()
    slack_signing_secret: str = _secret()
    slack_app_token: str = _secret()
    slack_api_url: str = "https://slack.com/api/"
    slack_supervisor_channel: str = ""
    microsoft_app_id: str = ""
    microsoft_app_password: str = _secret()
    microsoft_app_type: str = "MultiTenant"
    microsoft_app_tenant_id: str = ""
    teams_supervisor_channel: str = ""
    teams_service_url: str = ""
    teams_tenant_id: str = ""
    port: int = 3000
    database_path: Path = PROJECT_ROOT / "data" / "edc.sqlite3"
    encryption_key: str = _secret()
    audit_witness: Path | None = None  # the audit witness file; default beside the database
    timezone: str = "America/New_York"
    admins: frozenset[str] = frozenset()
    report_delay_hours: float = 24.0  # a report later than this needs a reason for the delay
    draft_reminder_minutes: float = 30.0
    ack_reminder_hours: float = 4.0
    delivery_mode: str = "full"  # "full" | "summary"
    delivery_retry_seconds: float = 5.0  # first retry after a failed delivery; doubles each time
    delivery_lease_seconds: float = 120.0  # a claimed delivery is another process's after this
    # --- network edge (handlers/http_server.py, handlers/teams/) ---
    teams_local_mode: bool = False  # the Bot Framework Emulator, unauthenticated, this machine only
    teams_openid_metadata_url: str = BOT_FRAMEWORK_OPENID_METADATA_URL
    teams_extra_service_urls: tuple[
        str, ...
    ] = ()  # origins the bot may post to besides Microsoft's
    max_connections: int = 512  # open HTTP connections; the oldest idle one is closed past this
    forms_dir: Path = BUILT_IN_FORMS  # the report forms in use (docs/adding-a-form.md)
    policy_dir: Path = DEFAULT_BUNDLE  # the policy bundle served (docs/adding-a-policy.md)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def socket_mode_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_app_token)

    @property
    def teams_authenticated(self) -> bool:
        return bool(self.microsoft_app_id)

    @property
    def teams_enabled(self) -> bool:
        """Whether /api/messages is served: Azure credentials, or the Emulator asked for."""
        return self.teams_authenticated or self.teams_local_mode

    def require(self, *names: str) -> None:
        """Fail with the environment names of any of these settings that are empty."""
        missing = [_ENV_NAMES[n] for n in names if not getattr(self, n)]
        if missing:
            raise ConfigError("missing setting(s): " + ", ".join(missing) + " (set them in .env)")


_ENV_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "slack_supervisor_channel": "SLACK_SUPERVISOR_CHANNEL",
    "microsoft_app_id": "MicrosoftAppId",
    "microsoft_app_password": "MicrosoftAppPassword",
    "microsoft_app_type": "MicrosoftAppType",
    "microsoft_app_tenant_id": "MicrosoftAppTenantId",
    "teams_supervisor_channel": "TEAMS_SUPERVISOR_CHANNEL",
    "teams_service_url": "TEAMS_SERVICE_URL",
    "teams_tenant_id": "TEAMS_TENANT_ID",
    "port": "PORT",
    "database_path": "DATABASE_PATH",
    "encryption_key": "EDC_ENCRYPTION_KEY",
    "audit_witness": "EDC_AUDIT_WITNESS",
    "timezone": "EDC_TIMEZONE",
    "admins": "EDC_ADMINS",
    "report_delay_hours": "EDC_REPORT_DELAY_HOURS",
    "draft_reminder_minutes": "EDC_DRAFT_REMINDER_MINUTES",
    "ack_reminder_hours": "EDC_ACK_REMINDER_HOURS",
    "delivery_mode": "EDC_DELIVERY_MODE",
    "delivery_retry_seconds": "EDC_DELIVERY_RETRY_SECONDS",
    "delivery_lease_seconds": "EDC_DELIVERY_LEASE_SECONDS",
    "teams_local_mode": "TEAMS_LOCAL_MODE",
    "teams_openid_metadata_url": "TEAMS_OPENID_METADATA_URL",
    "teams_extra_service_urls": "TEAMS_EXTRA_SERVICE_URLS",
    "max_connections": "EDC_MAX_CONNECTIONS",
    "forms_dir": "EDC_FORMS_DIR",
    "policy_dir": "EDC_POLICY_DIR",
}


def project_path(raw: str | Path) -> Path:
    """A path from the settings: absolute as given, relative ones against the project root."""
    path = Path(raw).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_config(
    environ: Mapping[str, str] | None = None, env_file: Path | None = PROJECT_ROOT / ".env"
) -> Config:
    """Build the config from `environ` (default os.environ) over the `.env` file (the
    project's, wherever the command is run from)."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        from dotenv import dotenv_values

        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    kwargs = {}
    for f in fields(Config):
        raw = values.get(_ENV_NAMES[f.name])
        if raw is None or raw.strip() == "":
            continue
        kwargs[f.name] = _cast(f.name, raw.strip())
    config = Config(**kwargs)
    _validate(config)
    return config


def _cast(name: str, raw: str):
    env = _ENV_NAMES[name]
    if name == "teams_local_mode":
        return _flag(env, raw)
    if name == "teams_extra_service_urls":
        return tuple(u.rstrip("/") for u in raw.replace(",", " ").split() if u)
    try:
        if name == "max_connections":
            number = int(raw)
            if number < 8:
                raise ValueError
            return number
        if name == "port":
            port = int(raw)
            if not 0 <= port <= 65535:
                raise ValueError
            return port
        if name in (
            "report_delay_hours",
            "draft_reminder_minutes",
            "ack_reminder_hours",
            "delivery_retry_seconds",
            "delivery_lease_seconds",
        ):
            number = float(raw)
            if number <= 0:
                raise ValueError
            return number
    except ValueError:
        raise ConfigError(f"{env} must be a positive number, got {raw!r}") from None
    if name in ("database_path", "audit_witness", "forms_dir", "policy_dir"):
        return project_path(raw)
    if name == "admins":
        return frozenset(a for a in raw.replace(",", " ").split() if a)
    if name == "slack_api_url":
        return raw if raw.endswith("/") else raw + "/"
    return raw


def _flag(env: str, raw: str) -> bool:
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{env} must be 1 or 0, got {raw!r}")


def _validate(config: Config) -> None:
    if config.teams_local_mode and config.microsoft_app_id:
        raise ConfigError(
            "TEAMS_LOCAL_MODE is for the Bot Framework Emulator without credentials: "
            "remove it, or remove MicrosoftAppId"
        )
    if config.delivery_mode not in ("full", "summary"):
        raise ConfigError("EDC_DELIVERY_MODE must be 'full' or 'summary'")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(config.timezone)
    except Exception:  # ZoneInfoNotFoundError, ValueError for malformed keys
        raise ConfigError(f"EDC_TIMEZONE {config.timezone!r} is not a known time zone") from None
    if not config.forms_dir.is_dir():
        raise ConfigError(f"EDC_FORMS_DIR {str(config.forms_dir)!r} is not a directory")
    if not (config.policy_dir / "bundle.yml").is_file():
        raise ConfigError(
            f"EDC_POLICY_DIR {str(config.policy_dir)!r} is not a policy bundle (no bundle.yml)"
        )
