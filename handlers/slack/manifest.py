"""The Slack app manifest (manifest.yml): YAML to paste at api.slack.com/apps → Create New App →
From an app manifest, naming the policy served (EDC_POLICY_DIR) and listing the forms in use
(EDC_FORMS_DIR), as the Teams package does (handlers/teams/manifest.py).

Written as YAML text rather than dumped from a dict, so that the comments guiding the install
survive; every value taken from a bundle or form file goes in as a quoted YAML scalar or a folded
block. The committed manifest.yml is the output for the EDC bundle and the built-in forms
(tests/test_slack_manifest.py keeps the two equal). Slash commands, events and button presses
all go to one path, /slack/events: the bot tells them apart itself.
"""

from __future__ import annotations

import json
import textwrap
from urllib.parse import urlsplit

import yaml

from bot.config import Config
from bot.forms.registry import Forms, load_forms
from knowledge.bundle import load_bundle
from knowledge.policy import Policy, load_policy

EVENTS_PATH = "/slack/events"
EXAMPLE_ADDRESS = "https://edc.example.org"
# Slack's limits (vendor/schemas/slack/manifest.schema.1.0.0.json); request URLs share the
# slash command's, the lower of the two.
MAX_DESCRIPTION = 140
MAX_LONG_DESCRIPTION = 4000
MAX_COMMAND_DESCRIPTION = 2000
MAX_USAGE_HINT = 1000
MAX_URL = 3000
WIDTH = 96  # the long description's lines, as the file shows them

# Each text's wordings, first choice first: the first that fits Slack's limit is used, so a long
# policy name costs the policy name, never a manifest Slack refuses. {policy_name},
# {policy_code}: the served policy's (its bundle's policy.yml); {report_clause}: the clause the
# emergency-call form rests on (its form file).
DESCRIPTIONS = (
    "Answers questions on the staff {policy_name} policy ({policy_code}) and files emergency-call reports.",
    "Answers questions on the staff policy {policy_code} and files emergency-call reports.",
    "Answers questions on the staff policy and files emergency-call reports.",
)
LONG_DESCRIPTIONS = tuple(
    "Ask the EDC Policy Bot about the district's staff "
    + policy
    + ' the way you would ask a colleague — "/edc can I text a student?" — and it answers '
    "privately, quoting the policy word for word with the clause it comes from. It also walks "
    "you through the written report that item {report_clause} requires after a confidential "
    "matter was discussed by cell phone in an emergency, and delivers the finished report to "
    "your supervisors' private channel, where they acknowledge it."
    for policy in ("{policy_name} policy ({policy_code})", "policy {policy_code}", "policy")
)
COMMAND_DESCRIPTIONS = (
    "Ask about the staff {policy_name} policy, or file a report",
    "Ask about the staff policy, or file a report",
)

HEADER = """\
{title}
# Written by `python app.py slack-manifest` from the policy bundle (EDC_POLICY_DIR) and the report
# forms (EDC_FORMS_DIR): change those, then write the manifest again rather than edit this file.
#
# api.slack.com/apps → Create New App → From an app manifest → pick your workspace → paste this.
"""
SOCKET_MODE = """\
# It is set up for Socket Mode (`python app.py socket`): no public URL, nothing to open in the
# firewall — what most districts want. See the README ("Slack: install guide").
#
# HTTP mode instead (`python app.py serve` behind a public HTTPS address): write the manifest
# with your server's address, `python app.py slack-manifest --url https://edc.example.org`. It
# turns settings.socket_mode_enabled off and fills in the three `url` / `request_url` lines
# below, commented out here. All three point at the same path, /slack/events: the bot tells
# slash commands, events and button presses apart itself.
# Slack checks the Events URL when you save (the bot must be running and reachable then).
"""
HTTP_MODE = """\
{intro}
# Slack checks the Events URL when you save (the bot must be running and reachable then).
#
# Socket Mode instead (`python app.py socket`, no public URL): write the manifest again without
# --url.
"""
HTTP_MODE_INTRO = (
    "It is set up for HTTP mode (`python app.py serve`, reached at {address}): Slack sends "
    "slash commands, events and button presses to the one address in the three `url` / "
    "`request_url` lines below; the bot tells them apart itself. See the README "
    '("Slack: install guide").'
)
BODY = """\

_metadata:
  major_version: 1
  minor_version: 1

display_information:
  name: EDC Policy Bot
  description: {description}
  background_color: "#1d4f91"
  long_description: >-
{long_description}

features:
  app_home:
    home_tab_enabled: true  # what the bot does, a start button per form, your drafts and reports
    messages_tab_enabled: true  # the private chat where reports are filled in
    messages_tab_read_only_enabled: false
  bot_user:
    display_name: EDC
    always_online: true
  slash_commands:
    - command: /edc
      description: {command_description}
      usage_hint: {usage_hint}
      should_escape: false
      {command_url}

oauth_config:
  scopes:
    bot:
      - commands  # /edc
      - chat:write  # answers, report steps, the supervisor channel post and its update
      - im:write  # open the private chat for a report started in a channel
      - im:history  # receive direct messages (the message.im event)
      - app_mentions:read  # receive @EDC mentions
      - groups:read  # start-up check and Acknowledge: private supervisor channel info and members
      - channels:read  # start-up check: notice (and warn) when the supervisor channel is public
      - groups:history  # never post a report twice: find an earlier post after a lost answer

settings:
  event_subscriptions:
    {events_url}
    bot_events:
      - app_home_opened
      - app_mention
      - message.im
  interactivity:
    is_enabled: true  # buttons, date pickers, the "Fill in as a form" modal
    {interactivity_url}
  org_deploy_enabled: false
  socket_mode_enabled: {socket_mode}
  token_rotation_enabled: false
"""


class AddressError(ValueError):
    """The address given for HTTP mode is not one Slack would send requests to."""


def manifest_yaml(config: Config, *, url: str = "") -> str:
    """The manifest for the policy in EDC_POLICY_DIR and the forms in EDC_FORMS_DIR: Socket
    Mode, or HTTP mode with request URLs at `url` (the bot's public https address). Raises
    AddressError, in plain words, for a `url` Slack would not take; ConfigError (or
    KnowledgeError) for a bundle or forms directory that does not load."""
    events_url = request_url(url) if url else ""
    forms = load_forms(config.forms_dir)
    bundle = load_bundle(config.policy_dir)
    policy = load_policy(bundle.policy_file)
    names = {
        "policy_name": _one_line(policy.name),
        "policy_code": _one_line(policy.code),
        "report_clause": _one_line(forms.get("emergency_call").clause),
    }
    return _header(policy, events_url) + BODY.format(
        description=_scalar(_fitting(DESCRIPTIONS, MAX_DESCRIPTION, names)),
        long_description=_folded(_fitting(LONG_DESCRIPTIONS, MAX_LONG_DESCRIPTION, names)),
        command_description=_scalar(_fitting(COMMAND_DESCRIPTIONS, MAX_COMMAND_DESCRIPTION, names)),
        usage_hint=_scalar(_usage_hint(forms, _one_line(bundle.example_clause))),
        command_url=_url_line("url", events_url),
        events_url=_url_line("request_url", events_url),
        interactivity_url=_url_line("request_url", events_url),
        socket_mode="false" if url else "true",
    )


def build_manifest(config: Config, *, url: str = "") -> dict:
    """`manifest_yaml` as the data Slack reads from it."""
    return yaml.safe_load(manifest_yaml(config, url=url))


def request_url(address: str) -> str:
    """Where Slack sends everything in HTTP mode: `address` (the bot's public https address,
    behind a path prefix if the proxy has one) with /slack/events appended unless it ends so.
    Raises AddressError in plain words for anything else."""
    example = f"e.g. {EXAMPLE_ADDRESS}"
    shown = address if len(address) <= 80 else address[:77] + "…"
    if not address.isprintable() or any(c.isspace() for c in address):
        raise AddressError(f"--url must be one web address without spaces, {example}")
    try:
        parts = urlsplit(address)
        if parts.port == 0:  # reading the port is what checks it: a bad one raises
            raise ValueError
    except ValueError:
        raise AddressError(f"--url {shown!r} is not a web address, {example}") from None
    if parts.scheme != "https" or not parts.hostname:
        raise AddressError(
            f"--url must be the bot's public https address, {example} (got {shown!r}): Slack "
            "sends requests only over HTTPS"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise AddressError(
            f"--url takes the address only, {example}, with no user name, ?query or #fragment "
            f"(got {shown!r})"
        )
    path = parts.path.rstrip("/")
    url = f"https://{parts.netloc}{path if path.endswith(EVENTS_PATH) else path + EVENTS_PATH}"
    if len(url) > MAX_URL:
        raise AddressError(f"--url is longer than Slack takes ({MAX_URL} characters)")
    return url


def _header(policy: Policy, events_url: str) -> str:
    """The comments: which policy, how to install, how to switch between the two modes."""
    served = f"{policy.district}'s staff {policy.name} policy ({policy.code})"
    title = _comment(f"Slack app manifest for the EDC Policy Bot, serving the {_one_line(served)}.")
    if not events_url:
        return HEADER.format(title=title) + SOCKET_MODE
    intro = HTTP_MODE_INTRO.format(address=events_url.removesuffix(EVENTS_PATH))
    return HEADER.format(title=title) + HTTP_MODE.format(intro=_comment(intro))


def _usage_hint(forms: Forms, example_clause: str) -> str:
    """What /edc takes: a question, the words that start a form, the policy list, a clause
    (the bundle's example), help; without the forms' words should they outgrow Slack's limit.
    An addendum's word needs a report number: /edc help lists it."""
    fixed = ("policy", example_clause, "help")
    starts = (f.command for f in forms.with_command if not f.amends_report)
    hint = " · ".join(("[question]", *starts, *fixed))
    return hint if len(hint) <= MAX_USAGE_HINT else " · ".join(("[question]", *fixed))


def _fitting(wordings: tuple[str, ...], limit: int, names: dict[str, str]) -> str:
    """The first of `wordings`, filled in, that Slack takes (the last one always fits)."""
    filled = [w.format(**names) for w in wordings]
    return next((text for text in filled if len(text) <= limit), filled[-1])


def _one_line(text: str) -> str:
    """`text` as one printable line: a name from a bundle cannot end a comment or a scalar."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _comment(text: str) -> str:
    """`text` (one line, see `_one_line`) as YAML comment lines."""
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent="# ",
        subsequent_indent="# ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _scalar(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _folded(text: str) -> str:
    """The lines of a folded block scalar (`>-`), four spaces in: YAML joins them with one space
    each, so the text comes back as it went in. Hyphens are never broken at: a break there
    would read back as "emergency- call"."""
    lines = textwrap.wrap(text, WIDTH - 4, break_on_hyphens=False, break_long_words=False)
    return "\n".join("    " + line for line in lines)


def _url_line(key: str, url: str) -> str:
    """A request URL line, or in Socket Mode the line to uncomment for HTTP mode by hand."""
    if url:
        return f"{key}: {_scalar(url)}"
    return f"# {key}: {EXAMPLE_ADDRESS}{EVENTS_PATH}   # HTTP mode only"
