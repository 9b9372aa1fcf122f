"""The Teams app package: manifest.json plus the two icons, zipped, ready to upload in Teams
(Apps → Manage your apps → Upload an app) or in the Teams admin center.

No SDK needed: the manifest is data. The bot's ID is MicrosoftAppId; the app's own ID is derived
from it, so rebuilding the package yields the same app (Teams treats it as an update)."""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from pathlib import Path

from bot.config import Config, ConfigError
from bot.forms.registry import Forms, load_forms
from handlers.teams.icons import color_icon, outline_icon

MANIFEST_VERSION = "1.17"  # the version Teams Toolkit's bot templates use; accepted everywhere
SCHEMA_URL = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
APP_NAMESPACE = uuid.UUID("5b1d3c7e-9a44-4f0e-8f3a-0edc0edc0edc")
DEFAULT_PACKAGE = Path("dist/edc-policy-bot-teams.zip")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

SHORT_NAME = "EDC Policy"
FULL_NAME = "EDC Policy Bot — staff Social Networking policy"
SHORT_DESCRIPTION = "Answers questions on the staff Social Networking policy, quoting it verbatim."
FULL_DESCRIPTION = (
    "Ask about the district's staff Social Networking policy (EDC) in plain words — 'can I text "
    "a student?' — and get the clause that governs it, quoted word for word, with a one-line "
    "answer and related clauses. In a personal chat, EDC also walks you through the written "
    "report required after a confidential matter was discussed by cell phone in an emergency "
    "(item 3.5) and sends it to your supervisor's channel, where supervisors acknowledge it. "
    "Answers are a guide to the policy text, not legal advice."
)
# The command lists; each form's entry (its `teams_personal` / `teams_team`) goes between.
PERSONAL_COMMANDS = (
    ("help", "What I can do"),
    ("policy", "Every clause of the policy with a one-line title"),
    ("3.5", "Read one clause in full (any clause number)"),
    ("can I text a student?", "Ask a question in your own words"),
)
PERSONAL_CONTROLS = (
    ("status", "Where you are in a report you started"),
    ("cancel", "Stop the report you are filling in"),
    ("why", "What my last answer matched on"),
)
TEAM_COMMANDS = (
    ("help", "What I can do"),
    ("policy", "Every clause of the policy with a one-line title"),
    ("3.5", "Read one clause in full (any clause number)"),
    ("can I text a student?", "Ask a question; I answer in the thread"),
)
TEAM_CONTROLS = (("set supervisor channel", "Admins: post finished reports to this channel"),)
MAX_COMMANDS = 10  # per command list, in every manifest schema version


def command_lists(forms: Forms) -> dict[str, tuple[tuple[str, str], ...]]:
    """{scope: ((title, description), …)}: the fixed commands with the forms' entries between.
    Raises ConfigError when a list outgrows what Teams accepts."""
    lists = {
        "personal": (
            *PERSONAL_COMMANDS,
            *((f.command, f.teams_personal) for f in forms.with_command if f.teams_personal),
            *PERSONAL_CONTROLS,
        ),
        "team": (
            *TEAM_COMMANDS,
            *((f.command, f.teams_team) for f in forms.with_command if f.teams_team),
            *TEAM_CONTROLS,
        ),
    }
    for scope, commands in lists.items():
        if len(commands) > MAX_COMMANDS:
            raise ConfigError(
                f"Teams lists at most {MAX_COMMANDS} {scope} commands and the forms in "
                f"{forms.directory} make {len(commands)}: leave teams_{scope} out of some form files"
            )
    return lists


def build_manifest(
    config: Config,
    *,
    version: str = "1.0.0",
    website: str = "https://www.dcrsd.org/",
    privacy: str = "",
    terms: str = "",
    developer: str = "Dudley-Charlton Regional School District",
) -> dict:
    """The manifest for the bot registered as MicrosoftAppId, listing the forms in
    EDC_FORMS_DIR. Raises ConfigError without one."""
    bot_id = config.microsoft_app_id
    if not bot_id:
        raise ConfigError(
            "MicrosoftAppId is not set: register the bot in Azure first (README: Microsoft Teams install guide), then "
            "put its Microsoft App ID in .env"
        )
    if not _GUID.match(bot_id):
        raise ConfigError(f"MicrosoftAppId must be a GUID (the Azure bot's App ID), got {bot_id!r}")
    lists = command_lists(load_forms(config.forms_dir))
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": str(uuid.uuid5(APP_NAMESPACE, bot_id.lower())),
        "developer": {
            "name": developer[:32],
            "websiteUrl": website,
            "privacyUrl": privacy or website,
            "termsOfUseUrl": terms or website,
        },
        "name": {"short": SHORT_NAME, "full": FULL_NAME},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#1F4E79",
        "bots": [
            {
                "botId": bot_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": [scope], "commands": _commands(commands)}
                    for scope, commands in lists.items()
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def write_package(config: Config, path: Path = DEFAULT_PACKAGE, **manifest_options) -> Path:
    """Write the zip (manifest.json, color.png, outline.png at its root); returns its path."""
    manifest = build_manifest(config, **manifest_options)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        package.writestr("color.png", color_icon(192))
        package.writestr("outline.png", outline_icon(32))
    return path


def _commands(pairs) -> list[dict]:
    return [{"title": title, "description": description} for title, description in pairs]
