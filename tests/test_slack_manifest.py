"""manifest.yml is valid for Slack and says exactly what the app listens to."""

from __future__ import annotations

import json

import pytest
import yaml

from handlers.slack.listeners import COMMAND, EVENTS
from tests.conftest import ROOT
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


def test_manifest_matches_slacks_published_schema(manifest):
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    # and the validator does reject a broken manifest (the check can fail)
    broken = {**manifest, "settings": {**manifest["settings"], "socket_mode_enabled": "yes"}}
    assert list(validator.iter_errors(broken))


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
