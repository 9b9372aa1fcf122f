"""manifest.yml is valid for Slack, says exactly what the app listens to, and is what
`python app.py slack-manifest` writes: for another district's bundle and forms, the same
command names that policy and those forms, HTTP mode included."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import load_config
from bot.forms.registry import BUILT_IN
from handlers.slack.listeners import COMMAND, EVENTS
from handlers.slack.manifest import build_manifest, manifest_yaml
from tests.conftest import ROOT, run_app
from tests.slack_support import (
    BOT_USER,
    FORM,
    JSON,
    action_body,
    command_body,
    event_body,
    serve_app,
    sign,
    stop_app,
)

SCHEMA = ROOT / "vendor" / "schemas" / "slack" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def _validator():
    import jsonschema

    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _schema_errors(manifest: dict) -> list[str]:
    errors = sorted(_validator().iter_errors(manifest), key=lambda e: list(e.path))
    return [f"{list(e.path)}: {e.message}" for e in errors]


def test_manifest_matches_slacks_published_schema(manifest):
    assert not _schema_errors(manifest)
    # and the validator does reject a broken manifest (the check can fail)
    broken = {**manifest, "settings": {**manifest["settings"], "socket_mode_enabled": "yes"}}
    assert _schema_errors(broken)


def test_manifest_yml_is_what_slack_manifest_writes_for_the_edc_bundle(tmp_path):
    committed = (ROOT / "manifest.yml").read_text(encoding="utf-8")
    generated = manifest_yaml(load_config({}, env_file=None))
    assert committed == generated, (
        "manifest.yml is out of date: python app.py slack-manifest --output manifest.yml"
    )
    out = tmp_path / "dist" / "slack.yml"  # its folder made, as teams-package does
    proc = run_app("slack-manifest", "--output", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.read_text(encoding="utf-8") == committed and str(out) in proc.stdout.decode()
    proc = run_app("slack-manifest")  # standard output, ready to paste
    assert proc.returncode == 0 and proc.stdout.decode("utf-8") == committed


def test_manifest_yml_names_the_edc_policy_and_forms(manifest):
    info = manifest["display_information"]
    assert "Social Networking policy (EDC)" in info["description"]
    assert "Social Networking policy (EDC)" in info["long_description"]
    assert "item 3.5 requires" in info["long_description"]
    [command] = manifest["features"]["slash_commands"]
    assert command["usage_hint"] == "[question] · report · concern · policy · 3.5 · help"
    assert "Social Networking" in command["description"]
    assert (info["name"], command["command"]) == ("EDC Policy Bot", "/edc")  # the product's


def test_http_mode_fills_the_request_urls_and_turns_socket_mode_off(manifest):
    proc = run_app("slack-manifest", "--url", "https://bot.district.example/edc/")
    assert proc.returncode == 0, proc.stderr.decode()
    http = yaml.safe_load(proc.stdout)
    assert not _schema_errors(http)
    url = "https://bot.district.example/edc/slack/events"
    settings_ = http["settings"]
    assert settings_["socket_mode_enabled"] is False
    assert settings_["event_subscriptions"]["request_url"] == url
    assert settings_["interactivity"]["request_url"] == url
    assert http["features"]["slash_commands"][0]["url"] == url
    # nothing else differs from the Socket Mode manifest
    del settings_["event_subscriptions"]["request_url"], settings_["interactivity"]["request_url"]
    del http["features"]["slash_commands"][0]["url"]
    settings_["socket_mode_enabled"] = True
    assert http == manifest
    # an address that already ends in /slack/events is taken as it is
    again = run_app("slack-manifest", "--url", url)
    assert yaml.safe_load(again.stdout)["settings"]["interactivity"]["request_url"] == url


@pytest.mark.parametrize(
    "address",
    [
        "http://bot.district.example",  # Slack sends to https only
        "bot.district.example",
        "https://",
        "https://bot.district.example:99999",
        "https://bot.district.example/?token=1",
        "https://user:pw@bot.district.example",
        "https://bot district.example",
        "https://bot.district.example/\x1b[31m",
        "ftp://bot.district.example",
    ],
)
def test_a_bad_url_is_one_plain_line(address, tmp_path):
    out = tmp_path / "slack.yml"
    proc = run_app("slack-manifest", "--url", address, "--output", str(out))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and not proc.stdout and not out.exists()
    assert err.startswith("error: --url ") and err.count("\n") == 1, err
    assert "\x1b" not in err and "Traceback" not in err


def test_an_unwritable_output_is_one_plain_line(tmp_path):
    (tmp_path / "taken").mkdir()  # a folder where the file should go
    proc = run_app("slack-manifest", "--output", str(tmp_path / "taken"))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.startswith("error: cannot write ") and err.count("\n") == 1


def test_manifest_declares_what_the_listeners_handle(manifest):
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [COMMAND]
    assert manifest["features"]["slash_commands"][0]["usage_hint"]
    bot_events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    # message.im is delivered as a "message" event: the listener is registered under that name
    assert {e.split(".")[0] for e in bot_events} == set(EVENTS)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {
        "commands",
        "chat:write",
        "im:write",
        "im:history",
        "app_mentions:read",
        "groups:read",
    }
    assert needed <= scopes
    assert not {"channels:history", "chat:write.public", "users:read.email", "admin"} & scopes


def test_the_running_app_handles_every_declared_payload_and_nothing_else(manifest, index):
    served = serve_app(index)
    try:
        app = served.adapter.app
        from slack_bolt.request import BoltRequest

        def dispatch(body: str, content_type: str) -> int:
            headers = {
                "content-type": [content_type],
                **{k.lower(): [v] for k, v in sign(body).items()},
            }
            return app.dispatch(BoltRequest(body=body, headers=headers)).status

        for command in manifest["features"]["slash_commands"]:
            assert (
                dispatch(
                    command_body("help").replace("%2Fedc", command["command"].replace("/", "%2F")),
                    FORM,
                )
                == 200
            )
        assert dispatch(command_body("help").replace("%2Fedc", "%2Fother"), FORM) == 404
        samples = {
            "app_home_opened": {
                "type": "app_home_opened",
                "user": "U1",
                "tab": "home",
                "channel": "D1",
            },
            "app_mention": {
                "type": "app_mention",
                "user": "U1",
                "channel": "C1",
                "ts": "1.1",
                "text": f"<@{BOT_USER}> help",
            },
            "message.im": {
                "type": "message",
                "channel_type": "im",
                "user": "U1",
                "channel": "D1",
                "ts": "1.2",
                "text": "help",
            },
        }
        for n, name in enumerate(manifest["settings"]["event_subscriptions"]["bot_events"]):
            assert dispatch(event_body(samples[name], event_id=f"EvM{n}"), JSON) == 200, name
        assert (
            dispatch(event_body({"type": "reaction_added", "user": "U1"}, event_id="EvX"), JSON)
            == 404
        )
        assert dispatch(action_body("edc:clause.show:0", "3.5"), FORM) == 200
        served.idle()
    finally:
        stop_app(served)


# Another district: the two-clause bundle of tests/test_policy_bundle.py (no ranker needed to
# write a manifest) and its own forms: the emergency-call report resting on its clause 1, and a
# form of its own.
PHOTO_FORM = """\
name: photo
command: photo
title: Photograph notice
number_prefix: GBEA-P
clause: "2"
help: tell your supervisor a student was photographed on a personal device
start_button: Report a photograph
intro: Two questions; every answer is saved as you go.
privacy_reminder: "Privacy: initials rather than full names."
submit_statement: Submitting confirms that this notice is accurate.
fields:
  - name: what
    label: What happened
    kind: long_text
    prompt: What happened?
  - name: supervisor
    label: Immediate supervisor
    kind: text
    prompt: Who is your immediate supervisor?
"""


@pytest.fixture(scope="module")
def riverbend(tmp_path_factory) -> dict[str, str]:
    """EDC_POLICY_DIR and EDC_FORMS_DIR of the other district."""
    from tests.test_policy_bundle import FILES

    root = tmp_path_factory.mktemp("riverbend")
    bundle, forms = root / "policy", root / "forms"
    bundle.mkdir()
    for name, text in FILES.items():
        (bundle / name).write_text(text, encoding="utf-8")
    forms.mkdir()
    report = (BUILT_IN / "emergency_call.yml").read_text(encoding="utf-8")
    assert 'clause: "3.5"' in report
    (forms / "emergency_call.yml").write_text(
        report.replace('clause: "3.5"', 'clause: "1"'), encoding="utf-8"
    )
    (forms / "photo.yml").write_text(PHOTO_FORM, encoding="utf-8")
    return {"EDC_POLICY_DIR": str(bundle), "EDC_FORMS_DIR": str(forms)}


def test_another_districts_manifest_names_its_policy_and_forms(riverbend):
    from tests.test_policy_bundle import DISTRICT

    proc = run_app("slack-manifest", env=riverbend)
    assert proc.returncode == 0, proc.stderr.decode()
    text = proc.stdout.decode("utf-8")
    manifest = yaml.safe_load(text)
    assert not _schema_errors(manifest)
    info = manifest["display_information"]
    [command] = manifest["features"]["slash_commands"]
    assert "staff Staff Mobile Devices policy (GBEA)" in info["description"]
    assert "staff Staff Mobile Devices policy (GBEA)" in info["long_description"]
    assert "item 1 requires" in info["long_description"]
    assert "Staff Mobile Devices" in command["description"]
    assert command["usage_hint"] == "[question] · report · photo · policy · 2 · help"
    assert DISTRICT in " ".join(line for line in text.splitlines() if line.startswith("#"))
    for edc in ("Social Networking", "(EDC)", "3.5", "concern", "Dudley-Charlton"):
        assert edc not in text, edc
    assert (info["name"], command["command"]) == ("EDC Policy Bot", "/edc")  # the product's

    proc = run_app("slack-manifest", "--url", "https://bot.riverbend.example", env=riverbend)
    http = yaml.safe_load(proc.stdout)
    assert proc.returncode == 0 and not _schema_errors(http)
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["display_information"] == info


def _with_policy(bundle_env: dict[str, str], **fields: str):
    """The config serving the other district's bundle with policy.yml's `fields` replaced."""
    from pathlib import Path

    policy_file = Path(bundle_env["EDC_POLICY_DIR"]) / "policy.yml"
    data = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    policy_file.write_text(yaml.safe_dump({**data, **fields}, allow_unicode=True), "utf-8")
    return load_config(bundle_env, env_file=None)


@pytest.fixture(scope="module")
def own_bundle(riverbend, tmp_path_factory) -> dict[str, str]:
    """A copy of the other district's bundle whose policy.yml the tests below rewrite."""
    copy = tmp_path_factory.mktemp("renamed") / "policy"
    shutil.copytree(riverbend["EDC_POLICY_DIR"], copy)
    return {**riverbend, "EDC_POLICY_DIR": str(copy)}


def _shape(manifest: dict) -> dict:
    """The manifest without the texts that name the policy."""
    manifest = json.loads(json.dumps(manifest))
    for key in ("description", "long_description"):
        del manifest["display_information"][key]
    for key in ("description", "usage_hint"):
        del manifest["features"]["slash_commands"][0][key]
    return manifest


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(min_size=1, max_size=300).filter(str.strip),
    code=st.text(min_size=1, max_size=20).filter(str.strip),
    district=st.text(min_size=1, max_size=200).filter(str.strip),
)
def test_any_policy_name_makes_a_manifest_slack_takes_and_nothing_more(
    own_bundle, riverbend, name, code, district
):
    """Quotes, colons, '#', newlines, unicode in a policy's name cannot add or break a key;
    names show on one line (unprintable characters as spaces); a name too long for the short
    description costs the name there, never a manifest Slack refuses."""
    config = _with_policy(own_bundle, name=name, code=code, district=district)
    manifest = build_manifest(config)
    assert not _schema_errors(manifest)
    expected = _shape(build_manifest(load_config(riverbend, env_file=None)))
    assert _shape(manifest) == expected
    one_line = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    assert one_line in manifest["display_information"]["long_description"]
    assert one_line in manifest["features"]["slash_commands"][0]["description"]


def test_a_long_policy_name_costs_the_short_description_only_the_name(own_bundle):
    name = "Acceptable Use of Personal and District-Owned Mobile Devices, Cameras and Messaging"
    config = _with_policy(own_bundle, name=name, code="GBEA-R")
    manifest = build_manifest(config)
    assert not _schema_errors(manifest)
    description = manifest["display_information"]["description"]
    assert name not in description and "GBEA-R" in description
    assert f"{name} policy (GBEA-R)" in manifest["display_information"]["long_description"]
