"""Test doubles for Teams: the real web app (handlers/http_server.py with the Teams routes)
served in-process on 127.0.0.1, and Bot Framework activities as Teams sends them. The fake Bot
Connector the bot answers to is in teams_fake_connector.py."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import urllib.error
import urllib.request

from aiohttp import web

TENANT = "72f988bf-0000-4000-8000-00000000d1c5"
BOT_ID = "28:00000000-0000-4000-8000-00000000b07e"
TEAM = "19:team-general@thread.tacv2"
CHANNEL = "19:edc-questions@thread.tacv2"
SUPERVISOR_CHANNEL = "19:edc-supervisors@thread.tacv2"
_ids = itertools.count(1)


class TeamsServer:
    """build_web_app(extra_routes=teams.routes) on its own loop thread, port 0."""

    def __init__(self, app: web.Application) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, daemon=True, name="teams-server"
        )
        self.thread.start()
        self.runner, self.port = asyncio.run_coroutine_threadsafe(_start(app), self.loop).result(10)
        self.url = f"http://127.0.0.1:{self.port}/api/messages"

    def post(self, activity: dict | bytes, *, headers: dict | None = None, url: str | None = None):
        return post_activity(url or self.url, activity, headers=headers)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def post_activity(url: str, activity: dict | bytes, *, headers: dict | None = None):
    """POST to /api/messages → (status, parsed JSON body or None)."""
    data = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return response.status, json.loads(body) if body else None
    except urllib.error.HTTPError as err:
        body = err.read()
        return err.code, json.loads(body) if body else None


async def _start(app: web.Application):
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


# ---- activities ----------------------------------------------------------------------------


def user(n: int = 1) -> dict:
    return {"id": f"29:user-{n}", "name": f"Teacher {n}", "aadObjectId": f"aad-user-{n}"}


def _base(
    service_url: str, *, sender: dict, conversation: dict, channel_data: dict, **extra
) -> dict:
    return {
        "type": "message",
        "id": f"{next(_ids)}",
        "timestamp": "2026-11-02T14:05:00.000Z",
        "localTimestamp": "2026-11-02T09:05:00.000-05:00",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": sender,
        "conversation": conversation,
        "recipient": {"id": BOT_ID, "name": "EDC"},
        "textFormat": "plain",
        "locale": "en-US",
        "channelData": channel_data,
        **extra,
    }


def personal(
    service_url: str,
    text: str = "",
    *,
    who: int = 1,
    value: dict | None = None,
    activity_id: str | None = None,
) -> dict:
    sender = user(who)
    activity = _base(
        service_url,
        sender=sender,
        conversation={
            "conversationType": "personal",
            "tenantId": TENANT,
            "id": f"a:personal-{sender['id']}",
        },
        channel_data={"tenant": {"id": TENANT}},
        text=text,
    )
    if value is not None:
        activity["value"] = value
        activity.pop("text")
    if activity_id:
        activity["id"] = activity_id
    return activity


def in_channel(
    service_url: str,
    text: str,
    *,
    who: int = 1,
    channel: str = CHANNEL,
    value: dict | None = None,
    thread: str = "1699999999999",
) -> dict:
    """`@EDC text` in a team channel, as Teams sends it: the mention is in text and entities."""
    sender = user(who)
    activity = _base(
        service_url,
        sender=sender,
        conversation={
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": f"{channel};messageid={thread}",
        },
        channel_data={
            "teamsChannelId": channel,
            "teamsTeamId": TEAM,
            "channel": {"id": channel},
            "team": {"id": TEAM},
            "tenant": {"id": TENANT},
        },
        text=f"<at>EDC</at> {text}",
        entities=[
            {"type": "mention", "text": "<at>EDC</at>", "mentioned": {"id": BOT_ID, "name": "EDC"}},
            {"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"},
        ],
    )
    if value is not None:
        activity["value"] = value
        activity["text"] = ""
        activity.pop("entities")
    return activity


def bot_added(service_url: str, *, scope: str = "personal") -> dict:
    if scope == "personal":
        conversation = {
            "conversationType": "personal",
            "tenantId": TENANT,
            "id": "a:personal-29:user-1",
        }
        channel_data = {"tenant": {"id": TENANT}}
    else:
        conversation = {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": TEAM,
        }
        channel_data = {
            "team": {"id": TEAM},
            "eventType": "teamMemberAdded",
            "tenant": {"id": TENANT},
        }
    activity = _base(
        service_url,
        sender=user(1),
        conversation=conversation,
        channel_data=channel_data,
        membersAdded=[{"id": BOT_ID}],
    )
    activity["type"] = "conversationUpdate"
    return activity


class Harness:
    """The bot's core + Teams surface + shared web app, and the fake connector it talks to."""

    def __init__(
        self,
        *,
        index,
        tmp_path,
        env: dict | None = None,
        records: bool = False,
        timeout: float | None = None,
    ) -> None:
        """`records`: the whole core (records, report dialog, delivery worker via bot.wiring)
        with the Teams notifier as its route; otherwise the Q&A core alone."""
        from bot.config import load_config
        from bot.engine import Bot
        from handlers.http_server import build_web_app
        from handlers.teams.server import build_teams
        from tests.teams_fake_connector import FakeConnector

        self.connector = FakeConnector().start()
        # "{service_url}" in a setting stands for the fake connector's address.
        settings = {"DATABASE_PATH": str(tmp_path / "edc.sqlite3")}
        if "MicrosoftAppId" not in (env or {}):
            settings["TEAMS_LOCAL_MODE"] = "1"  # the Emulator's mode: no credentials, loopback
        settings.update(
            {k: v.replace("{service_url}", self.connector.url) for k, v in (env or {}).items()}
        )
        self.config = load_config(settings, env_file=None)
        from handlers.teams.references import ReferenceStore

        self.wired = None
        store = None
        if records:
            from bot.wiring import build_core

            self.wired = build_core(self.config, index=index)
            self.core = self.wired.bot
            store = ReferenceStore(storage=self.wired.records.storage)  # as app.py should wire it
        else:
            self.core = Bot(index=index)
        self.teams = build_teams(core=self.core, config=self.config, timeout=timeout, store=store)
        self.server = TeamsServer(build_web_app(self.config, extra_routes=self.teams.routes))
        if self.wired is not None:
            from handlers.teams.surface import TeamsSurface

            self.wired.add_surface(TeamsSurface(teams=self.teams))
            self.wired.start()

    @property
    def service_url(self) -> str:
        return self.connector.url

    def post(self, activity, **kwargs):
        return self.server.post(activity, **kwargs)

    def close(self) -> None:
        if self.wired is not None:
            self.wired.close()
        self.server.stop()
        self.teams.close()
        self.connector.stop()


# ---- reading cards -------------------------------------------------------------------------


def find(node, predicate) -> list[dict]:
    """Every dict anywhere in `node` (cards, lists) for which predicate(dict) holds."""
    found = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if predicate(item):
                found.append(item)
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def texts(call) -> str:
    """Every TextRun of the card(s) in one posted message, in order, one per line."""
    return "\n".join(r["text"] for r in find(call.cards, lambda d: d.get("type") == "TextRun"))


def actions(call) -> list[dict]:
    return find(call.cards, lambda d: d.get("type") == "Action.Submit")


def action(call, name: str) -> dict:
    """The Submit data of the first button with action `name`."""
    return next(a["data"] for a in actions(call) if a["data"].get("action") == name)


def quotes(call) -> list[str]:
    """The verbatim policy text of the card (italic runs inside the emphasis containers)."""
    boxes = find(
        call.cards, lambda d: d.get("type") == "Container" and d.get("style") == "emphasis"
    )
    return [r["text"] for box in boxes for r in find(box, lambda d: d.get("italic"))]
