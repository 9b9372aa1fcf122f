"""Who can make the bot post where: /api/messages exists only when Teams is configured or the
Emulator's local mode is asked for; local mode answers this machine only, never through a proxy;
and the bot posts only to the Bot Framework's documented service hosts."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from bot.config import ConfigError, load_config
from tests.teams_fake_connector import FakeConnector
from tests.teams_support import Harness, TeamsServer, personal

APP_ID = "00000000-0000-4000-8000-00000000b07e"


def test_without_credentials_or_local_mode_the_teams_endpoint_is_not_served(index, tmp_path):
    from bot.engine import Bot
    from handlers.http_server import build_web_app
    from handlers.teams.server import build_teams

    config = load_config({"DATABASE_PATH": str(tmp_path / "edc.sqlite3")}, env_file=None)
    teams = build_teams(core=Bot(index=index), config=config)
    server = TeamsServer(build_web_app(config, extra_routes=teams.routes))
    connector = FakeConnector().start()
    try:
        request = urllib.request.Request(
            server.url,
            data=json.dumps(personal(connector.url, "policy")).encode(),
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 404
        assert connector.calls == []
    finally:
        server.stop()
        teams.close()
        connector.stop()


@pytest.fixture
def local(index, tmp_path):
    harness = Harness(index=index, tmp_path=tmp_path)  # TEAMS_LOCAL_MODE=1
    yield harness
    harness.close()


@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-For": "203.0.113.9"},
        {"Forwarded": "for=203.0.113.9;proto=https"},
        {"X-Real-IP": "203.0.113.9"},
        {"X-Forwarded-Host": "bot.example.org"},
        {"X-Forwarded-Proto": "https"},
        {"Via": "1.1 proxy.example.org"},
        {"x-forwarded-for": "127.0.0.1"},  # a proxy's header is a proxy's, whatever it says
        {"Host": "attacker.example:3978"},  # DNS rebinding: a web page under its own name
    ],
    ids=lambda h: next(iter(h)),
)
def test_local_mode_refuses_requests_that_came_through_a_proxy(local, header):
    status, body = local.post(personal(local.service_url, "policy"), headers=header)
    assert status == 401
    assert "local" in body["error"]
    assert local.connector.calls == []


def test_local_mode_still_answers_the_emulator_on_this_machine(local):
    status, _ = local.post(personal(local.service_url, "policy"))
    assert status == 200
    assert len(local.connector.sent()) == 1


@pytest.mark.parametrize(
    "service_url",
    ["https://attacker.example/", "http://10.0.0.8:3978/", "https://smba.trafficmanager.net/amer/"],
)
def test_local_mode_posts_to_loopback_service_urls_only(local, service_url):
    status, body = local.post(personal(service_url, "policy"))
    assert status == 403
    assert "serviceUrl" in body["error"]


@pytest.fixture
def authenticated(index, tmp_path):
    harness = Harness(
        index=index,
        tmp_path=tmp_path,
        env={"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "secret"},
    )
    yield harness
    harness.close()


def test_with_credentials_an_unknown_service_url_is_never_posted_to(authenticated):
    # The fake connector on 127.0.0.1 is no Bot Framework host (and not listed as an extra).
    status, body = authenticated.post(
        personal(authenticated.service_url, "policy"), headers={"Authorization": "Bearer x.y.z"}
    )
    assert status == 403
    assert "serviceUrl" in body["error"]
    assert authenticated.connector.calls == []


def test_proactive_posts_go_to_allowed_service_urls_only():
    from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication

    from bot.notify import DeliveryError
    from handlers.teams.connector import Connector
    from handlers.teams.references import Target
    from handlers.teams.service_urls import ServiceUrlPolicy

    class Settings:
        APP_ID = APP_PASSWORD = APP_TENANTID = ""
        APP_TYPE = "MultiTenant"

    fake = FakeConnector().start()
    try:
        connector = Connector(
            auth=ConfigurationBotFrameworkAuthentication(Settings()),
            app_id="",
            service_urls=ServiceUrlPolicy(),  # authenticated: Microsoft's hosts only
        )
        with pytest.raises(DeliveryError) as raised:
            asyncio.run(connector.send(Target(fake.url, "19:x@thread.tacv2"), {"text": "hi"}))
        assert raised.value.permanent
        assert fake.calls == []
    finally:
        fake.stop()


@pytest.mark.parametrize(
    "url",
    [
        "https://smba.trafficmanager.net/amer/",
        "https://smba.trafficmanager.net/teams/",
        "https://SMBA.trafficmanager.net:443/emea/",
        "https://smba.infra.gcc.teams.microsoft.com/gcc",
        "https://smba.infra.gov.teams.microsoft.us/gcch",
        "https://smba.infra.dod.teams.microsoft.us/",
        "https://webchat.botframework.com/",
        "https://api.botframework.us/",
        "https://europe.webchat.botframework.com/",
    ],
)
def test_documented_bot_framework_hosts_are_allowed(url):
    from handlers.teams.service_urls import ServiceUrlPolicy

    assert ServiceUrlPolicy().allows(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "http://smba.trafficmanager.net/amer/",  # not https
        "https://smba.trafficmanager.net:8443/amer/",  # another port
        "https://evil.trafficmanager.net/",  # anyone can register a trafficmanager.net name
        "https://smba.trafficmanager.net.evil.example/",
        "https://smba.trafficmanager.net@evil.example/",  # user info: the host is evil.example
        "https://user:pw@smba.trafficmanager.net/",
        "https://botframework.com.evil.example/",
        "https://evilbotframework.com/",
        "https://127.0.0.1:3978/",
        "http://localhost:3978/",  # loopback: the Emulator's, local mode only
        "https://[::1]/",
        "https://smba.trafficmanager.net:99999/",
        "javascript:alert(1)",
        "//smba.trafficmanager.net/amer/",
    ],
)
def test_other_service_urls_are_refused(url):
    from handlers.teams.service_urls import ServiceUrlPolicy

    assert not ServiceUrlPolicy().allows(url)


def test_extra_service_urls_are_exact_origins():
    from handlers.teams.service_urls import ServiceUrlPolicy

    policy = ServiceUrlPolicy(extra_origins=("http://127.0.0.1:8080",))
    assert policy.allows("http://127.0.0.1:8080/v3/")
    assert not policy.allows("http://127.0.0.1:8081/")
    assert not policy.allows("https://127.0.0.1:8080/")


def test_local_mode_with_credentials_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigError, match="TEAMS_LOCAL_MODE"):
        load_config({"TEAMS_LOCAL_MODE": "1", "MicrosoftAppId": APP_ID}, env_file=None)
    with pytest.raises(ConfigError, match="TEAMS_LOCAL_MODE"):
        load_config({"TEAMS_LOCAL_MODE": "maybe"}, env_file=None)
