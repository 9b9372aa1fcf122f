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
from knowledge.bundle import load_bundle
from knowledge.policy import load_policy

MANIFEST_VERSION = "1.17"  # the version Teams Toolkit's bot templates use; accepted everywhere
SCHEMA_URL = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
APP_NAMESPACE = uuid.UUID("5b1d3c7e-9a44-4f0e-8f3a-0edc0edc0edc")
DEFAULT_PACKAGE = Path("dist/edc-policy-bot-teams.zip")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

SHORT_NAME = "EDC Policy"
# {policy_name}, {policy_code}: the served policy's (its bundle's policy.yml); {report_clause}:
# the clause the emergency-call form rests on (its form file).
FULL_NAME = "EDC Policy Bot — staff {policy_name} policy"
SHORT_DESCRIPTION = "Answers questions on the staff {policy_name} policy, quoting it verbatim."
FULL_DESCRIPTION = (
    "Ask about the district's staff {policy_name} policy ({policy_code}) in plain words — 'can I text "
    "a student?' — and get the clause that governs it, quoted word for word, with a one-line "
    "answer and related clauses. In a personal chat, EDC also walks you through the written "
    "report required after a confidential matter was discussed by cell phone in an emergency "
    "(item {report_clause}) and sends it to your supervisor's channel, where supervisors acknowledge it. "
    "Answers are a guide to the policy text, not legal advice."
)
# The command lists; each form's entry (its `teams_personal` / `teams_team`) goes between.
# "{example_clause}": the bundle's example of a clause number (bundle.yml).
READ_CLAUSE = ("{example_clause}", "Read one clause in full (any clause number)")
PERSONAL_COMMANDS = (
    ("help", "What I can do"),
    ("policy", "Every clause of the policy with a one-line title"),
    READ_CLAUSE,
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
    READ_CLAUSE,
    ("can I text a student?", "Ask a question; I answer in the thread"),
)
TEAM_CONTROLS = (("set supervisor channel", "Admins: post finished reports to this channel"),)
MAX_COMMANDS = 10  # per command list, in every manifest schema version


def command_lists(
    forms: Forms, example_clause: str = "3.5"
) -> dict[str, tuple[tuple[str, str], ...]]:
    """{scope: ((title, description), …)}: the fixed commands with the forms' entries between.
    Raises ConfigError when a list outgrows what Teams accepts."""
    fixed = {
        scope: tuple(
            (title.format(example_clause=example_clause), text) for title, text in commands
        )
        for scope, commands in (("personal", PERSONAL_COMMANDS), ("team", TEAM_COMMANDS))
    }
    lists = {
        "personal": (
            *fixed["personal"],
            *((f.command, f.teams_personal) for f in forms.with_command if f.teams_personal),
            *PERSONAL_CONTROLS,
        ),
        "team": (
            *fixed["team"],
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
    website: str = "",
    privacy: str = "",
    terms: str = "",
    developer: str = "",
) -> dict:
    """The manifest for the bot registered as MicrosoftAppId, listing the forms in
    EDC_FORMS_DIR and naming the policy in EDC_POLICY_DIR (its district is the developer, its
    website the default for `website`). Raises ConfigError without one."""
    bot_id = config.microsoft_app_id
    if not bot_id:
        raise ConfigError(
            "MicrosoftAppId is not set: register the bot in Azure first (README: Microsoft Teams install guide), then "
            "put its Microsoft App ID in .env"
        )
    if not _GUID.match(bot_id):
        raise ConfigError(f"MicrosoftAppId must be a GUID (the Azure bot's App ID), got {bot_id!r}")
    forms = load_forms(config.forms_dir)
    bundle = load_bundle(config.policy_dir)
    policy = load_policy(bundle.policy_file)
    website = website or bundle.website
    names = {
        "policy_name": policy.name,
        "policy_code": policy.code,
        "report_clause": forms.get("emergency_call").clause,
    }
    lists = command_lists(forms, bundle.example_clause)
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": str(uuid.uuid5(APP_NAMESPACE, bot_id.lower())),
        "developer": {
            "name": (developer or policy.district)[:32],
            "websiteUrl": website,
            "privacyUrl": privacy or website,
            "termsOfUseUrl": terms or website,
        },
        "name": {"short": SHORT_NAME, "full": FULL_NAME.format(**names)},
        "description": {
            "short": SHORT_DESCRIPTION.format(**names),
            "full": FULL_DESCRIPTION.format(**names),
        },
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
