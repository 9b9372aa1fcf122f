"""Serving another district's policy is a setting (docs/adding-a-policy.md): a two-clause bundle
written to a temp dir is trained with `python -m knowledge.train --bundle`, then answered from
through `python app.py ask` and the console chat with EDC_POLICY_DIR pointing at it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from knowledge.bundle import DEFAULT_BUNDLE, load_bundle
from knowledge.errors import KnowledgeError
from knowledge.search import build_index
from tests.conftest import ROOT, run_app
from tests.test_policy_data import assert_reproduces_its_published_text

DISTRICT = "Riverbend Unified School District"
PHONES = (
    "Staff members shall keep personal mobile phones silenced and out of sight while teaching. "
    "A call may be taken during a lesson only in an emergency."
)
PHOTOS = (
    "Staff members shall not photograph students on a personal device. Photographs for school "
    "purposes are taken with a school camera and kept on the school network."
)
PUBLISHED = f"""\
RIVERBEND UNIFIED SCHOOL DISTRICT

Staff Mobile Devices GBEA

1.

Phones during lessons

{PHONES}

2.

Photographs of students

{PHOTOS}

Adopted: 2025-01-15
"""
FILES = {
    "bundle.yml": """\
website: https://www.riverbend.example/
published_text: GBEA-mobile-devices.txt
source: Riverbend Unified School District, policy GBEA, as published (a test fixture).
clause_shorthand: ""
example_clause: "2"
""",
    "GBEA-mobile-devices.txt": PUBLISHED,
    "policy.yml": f"""\
code: GBEA
name: Staff Mobile Devices
district: {DISTRICT}
adopted: "2025-01-15"
revised: "2025-01-15"
preamble: |-
  RIVERBEND UNIFIED SCHOOL DISTRICT

  Staff Mobile Devices GBEA
postamble: "Adopted: 2025-01-15"
clauses:
  - id: "1"
    label: "1."
    heading: Phones during lessons
    title: Phones during lessons
    text: "{PHONES}"
  - id: "2"
    label: "2."
    heading: Photographs of students
    title: Photographs of students
    text: "{PHOTOS}"
""",
    "questions.yml": """\
"1":
  - can I keep my phone on my desk while I teach
  - may I answer a call during class
  - does my cell have to be on silent in lessons
  - can I check my phone while teaching
  - what if my phone rings in the middle of a lesson
  - is it ok to take an urgent phone call in class
"2":
  - can I take a picture of a student with my phone
  - may I photograph kids on my own device
  - where do I keep photos of students for the yearbook
  - can I snap a photo of the class on my iphone
  - which camera do I use for school photographs
  - is it ok to take pictures of pupils on a personal device
none:
  - when is the staff parking permit due
  - how many sick days do I get
  - what is the dress code for teachers
  - who approves a field trip budget
  - how do I request a new laptop charger
""",
    "answers.yml": """\
- id: student-photos
  clause: "2"
  verdict: Prohibited
  answer: "Don't photograph students on your own phone or device; use a school camera."
  quote: "Staff members shall not photograph students on a personal device."
  questions:
    - can I take a photo of a student on my phone
""",
    "sentences.yml": """\
"1":
  - starts: "Staff members shall keep"
    verdict: Required
    answer: "Keep your own phone silent and out of sight while you teach."
  - starts: "A call may be taken"
    verdict: Allowed with conditions
    answer: "Take a call during a lesson only in an emergency."
"2":
  - starts: "Staff members shall not photograph"
    verdict: Prohibited
    answer: "Don't photograph students on your own device."
  - starts: "Photographs for school purposes"
    verdict: Required
    answer: "Use a school camera and keep the photos on the school network."
""",
    "synonyms.yml": """\
mobile phone: [cell, cellphone, iphone, smartphone]
photograph: [picture, photo, pic, snap]
""",
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """The two-clause bundle, trained by the real trainer CLI."""
    root = tmp_path_factory.mktemp("riverbend")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    trained = subprocess.run(
        [sys.executable, "-m", "knowledge.train", "--bundle", str(root)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert trained.returncode == 0, trained.stderr.decode()
    assert (root / "ranker.json").is_file()
    return root


def test_the_tiny_bundle_reproduces_its_own_published_text(tiny):
    assert_reproduces_its_published_text(load_bundle(tiny))


def test_ask_answers_from_the_tiny_bundle(tiny):
    env = {"EDC_POLICY_DIR": str(tiny)}
    proc = run_app("ask", "--json", "can I take a picture of a student on my phone", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    answer = json.loads(proc.stdout)
    assert answer["answered"] and answer["clauses"][0] == "2"
    assert answer["quote"] and answer["quote"] in PHOTOS  # verbatim from the tiny policy
    assert answer["policy_revision"].startswith("GBEA Staff Mobile Devices")

    proc = run_app("ask", "may I answer a call during a lesson", env=env)
    text = proc.stdout.decode()
    assert proc.returncode == 0 and DISTRICT in text
    assert "A call may be taken during a lesson only in an emergency." in text
    assert "Social Networking" not in text and "Dudley-Charlton" not in text

    proc = run_app("ask", "--json", "when is the staff parking permit due", env=env)
    assert json.loads(proc.stdout)["answered"] is False


def test_console_chat_lists_the_tiny_policy(tiny, tmp_path):
    env = {"EDC_POLICY_DIR": str(tiny), "DATABASE_PATH": str(tmp_path / "edc.sqlite3")}
    proc = run_app("chat", stdin="help\npolicy\n/edc 2\n/edc 5\nquit\n", env=env)
    out = proc.stdout.decode()
    assert proc.returncode == 0 and "Traceback" not in proc.stderr.decode(), proc.stderr.decode()
    assert "staff Staff Mobile Devices policy (GBEA)" in out  # help names the served policy
    assert "/edc 2 " in out and "/edc 3.5" not in out  # the bundle's example clause
    assert f"Staff Mobile Devices policy (GBEA) — {DISTRICT}" in out  # the policy list
    assert "1  Phones during lessons" in out and "2  Photographs of students" in out
    assert "3.12" not in out
    assert PHOTOS[:60] in out  # /edc 2 reads the clause
    assert "no clause 5" in out  # no "3." shorthand in this bundle


def test_the_default_bundle_is_edc():
    assert load_config({}, env_file=None).policy_dir == DEFAULT_BUNDLE
    assert DEFAULT_BUNDLE == ROOT / "policies" / "edc"
    index = build_index()
    assert (index.policy.code, index.bundle.root) == ("EDC", DEFAULT_BUNDLE)
    assert index.bundle.clause_id("5", index.policy.ids) == "3.5"


def test_a_bad_bundle_is_named_not_a_traceback(tmp_path):
    (tmp_path / "bundle.yml").write_text("website: http://insecure.example/\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="missing setting"):
        load_bundle(tmp_path)
    proc = run_app("ask", "anything", env={"EDC_POLICY_DIR": str(tmp_path)})
    assert proc.returncode != 0 and "Traceback" not in proc.stderr.decode()
    assert "bundle.yml" in proc.stderr.decode()
    proc = run_app("ask", "anything", env={"EDC_POLICY_DIR": str(tmp_path / "nowhere")})
    assert proc.returncode != 0 and "EDC_POLICY_DIR" in proc.stderr.decode()


def test_teams_package_and_slack_home_name_the_tiny_policy(tiny):
    from handlers.slack.home import home_view
    from handlers.teams.manifest import build_manifest
    from knowledge.policy import load_policy

    app_id = "00000000-0000-4000-8000-000000000001"
    config = load_config({"MicrosoftAppId": app_id, "EDC_POLICY_DIR": str(tiny)}, env_file=None)
    manifest = build_manifest(config)
    assert manifest["developer"]["name"] == DISTRICT[:32]
    assert manifest["developer"]["websiteUrl"] == "https://www.riverbend.example/"
    assert "Staff Mobile Devices policy (GBEA)" in manifest["description"]["full"]
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert "2" in titles and "3.5" not in titles

    bundle = load_bundle(tiny)
    view = home_view(policy=load_policy(bundle.policy_file), bundle=bundle)
    text = json.dumps(view, ensure_ascii=False)
    assert "Staff Mobile Devices policy (GBEA)" in text and "`/edc 2`" in text
    assert "Social Networking" not in text
