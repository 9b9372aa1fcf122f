"""Adding a form touches the form file only (docs/adding-a-form.md): a throwaway form beside
copies of the built-in ones, in a folder named by EDC_FORMS_DIR, is listed by /edc help, started
by its command, filed and delivered in the console, offered on Slack's App Home and listed in
the Teams package."""

from __future__ import annotations

import json
import re
import shutil
import zipfile

import pytest

from bot.actions import START_FORM
from bot.forms.registry import BUILT_IN, use_forms
from handlers.console_notifier import LOG_NAME
from tests.conftest import ROOT, run_app
from tests.report_support import chat_env
from tests.slack_support import dm_event, serve_app, stop_app

INCIDENT = """\
name: incident
command: incident
title: Incident notice
number_prefix: EDC-I
clause: "3.9"
supervisor_field: supervisor
help: tell your supervisor about an incident on a school trip
start_button: Report an incident
teams_personal: Tell your supervisor about an incident on a school trip
intro: Two questions about the incident; every answer is saved as you go.
privacy_reminder: "Privacy: initials rather than full names."
submit_statement: Submitting confirms that this notice is accurate.
fields:
  - name: what
    label: What happened
    kind: long_text
    prompt: What happened on the trip?
  - name: supervisor
    label: Immediate supervisor
    kind: text
    prompt: Who is your immediate supervisor?
"""
WHAT = "A ladder fell over in the gym at the museum; nobody was hurt"
APP_ID = "00000000-0000-0000-0000-00000000abcd"


@pytest.fixture()
def forms_dir(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(BUILT_IN, folder)
    (folder / "incident.yml").write_text(INCIDENT, encoding="utf-8")
    return folder


def _app(tmp_path, *args, stdin="", **env):
    proc = run_app(*args, stdin=stdin, env=chat_env(tmp_path, **env))
    assert "Traceback" not in proc.stderr.decode(), proc.stderr.decode()
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_the_console_lists_starts_files_and_delivers_the_new_form(tmp_path, forms_dir):
    lines = ["/edc help", "/edc incident", WHAT, "Ms Rivera", "submit"]
    code, out, _ = _app(
        tmp_path, "chat", stdin="\n".join(lines) + "\n", EDC_FORMS_DIR=str(forms_dir)
    )
    assert code == 0
    assert re.search(r"/edc incident +— tell your supervisor about an incident", out)
    assert "Two questions about the incident" in out and "What happened on the trip?" in out
    number = re.search(r"number (EDC-I-\d{4}-0001)", out).group(1)
    log = (tmp_path / LOG_NAME).read_text(encoding="utf-8")
    assert log.count(f"key={number}:post:console:supervisors") == 1 and "Ms Rivera" in log

    code, out, _ = _app(tmp_path, "reports", "show", number, EDC_FORMS_DIR=str(forms_dir))
    assert code == 0 and "Incident notice" in out and WHAT in out and "What happened" in out


def test_without_the_setting_the_new_form_does_not_exist(tmp_path, forms_dir):
    code, out, _ = _app(tmp_path, "chat", stdin="/edc help\n/edc incident\n")
    assert code == 0 and "/edc report" in out
    assert "about an incident" not in out and "Two questions about the incident" not in out


def test_the_teams_package_lists_the_new_command(tmp_path, forms_dir):
    from jsonschema import Draft4Validator

    package = tmp_path / "teams.zip"
    code, _, err = _app(
        tmp_path,
        "teams-package",
        "--output",
        str(package),
        MicrosoftAppId=APP_ID,
        EDC_FORMS_DIR=str(forms_dir),
    )
    assert code == 0, err
    manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))
    lists = {c["scopes"][0]: c["commands"] for c in manifest["bots"][0]["commandLists"]}
    assert {
        "title": "incident",
        "description": "Tell your supervisor about an incident on a school trip",
    } in lists["personal"]
    assert "incident" not in [c["title"] for c in lists["team"]]  # no teams_team in its file
    schema = ROOT / "vendor" / "schemas" / "teams" / "MicrosoftTeams.schema.v1.17.json"
    errors = list(Draft4Validator(json.loads(schema.read_text())).iter_errors(manifest))
    assert not errors, [e.message for e in errors]


def test_a_form_too_many_for_the_teams_command_list_is_refused_by_name(tmp_path, forms_dir):
    for word in ("spill", "theft"):
        extra = INCIDENT.replace("incident", word).replace("EDC-I", "EDC-" + word[0].upper())
        (forms_dir / f"{word}.yml").write_text(extra, encoding="utf-8")
    code, _, err = _app(
        tmp_path,
        "teams-package",
        "--output",
        str(tmp_path / "teams.zip"),
        MicrosoftAppId=APP_ID,
        EDC_FORMS_DIR=str(forms_dir),
    )
    assert code == 2 and "at most 10 personal commands" in err and "teams_personal" in err
    assert not (tmp_path / "teams.zip").exists()


def test_a_malformed_form_file_stops_start_up_naming_the_file(tmp_path, forms_dir):
    (forms_dir / "incident.yml").write_text(INCIDENT.replace("command: incident", "command: help"))
    code, out, err = _app(tmp_path, "chat", stdin="/edc help\n", EDC_FORMS_DIR=str(forms_dir))
    assert code == 2 and "incident.yml" in err and "'help'" in err


@pytest.fixture()
def slack(index, tmp_path, forms_dir):
    served = serve_app(index, database=tmp_path / "edc.sqlite3", EDC_FORMS_DIR=str(forms_dir))
    yield served
    stop_app(served)
    use_forms(BUILT_IN)  # the forms are chosen per process: give the other tests theirs back


def test_slack_app_home_offers_the_new_form_and_its_button_starts_it(slack):
    slack.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}, event_id="EvH"
    )
    [published] = slack.fake.wait_for("views.publish")
    buttons = [
        e
        for block in published.params["view"]["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
    ]
    start = next(b for b in buttons if b["text"]["text"] == "Report an incident")
    assert start["action_id"].startswith(f"edc:{START_FORM}:") and start["value"] == "incident"

    slack.event(dm_event("hello", ts="1700000100.1"), event_id="EvHello")  # the DM is known
    slack.idle()
    slack.action(start["action_id"], start["value"], channel="", response_url="")
    slack.idle()
    posted = [c.params.get("text", "") for c in slack.fake.of("chat.postMessage")]
    assert any("What happened on the trip?" in text for text in posted), posted
