"""A fake Bot Framework token service on 127.0.0.1: the OpenID metadata and key set the bot
fetches (TEAMS_OPENID_METADATA_URL), and tokens signed with its key as the Bot Connector signs
them. `stall()` makes it accept requests and never answer, like an endpoint in trouble."""

from __future__ import annotations

import asyncio
import json
import threading
import time

from aiohttp import web

ISSUER = "https://api.botframework.com"
KEY_ID = "fake-key-1"


class FakeOpenId:
    def __init__(self, *, endorsements: tuple[str, ...] = ("msteams",)) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.endorsements = endorsements
        self.requests = 0
        self._stalled: asyncio.Event | None = None
        self._release: asyncio.Event | None = None
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="openid")
        self._thread.start()
        self._runner, port = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        self.base = f"http://127.0.0.1:{port}"
        self.metadata_url = self.base + "/v1/.well-known/openidconfiguration"

    def stall(self) -> None:
        """From now on, accept every request and never answer it."""

        def set_() -> None:
            self._release = asyncio.Event()
            self._stalled = self._release

        self.loop.call_soon_threadsafe(set_)

    def token(self, *, app_id: str, service_url: str, key=None, **claims) -> str:
        import jwt

        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": now - 10,
            "exp": now + 3600,
            **claims,
        }
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(
            payload, key or self.private_key, algorithm="RS256", headers={"kid": KEY_ID}
        )

    def stop(self) -> None:
        async def stop() -> None:
            if self._release is not None:
                self._release.set()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    async def _start(self):
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]

    async def _metadata(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self._stalled is not None:
            await self._stalled.wait()
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": self.base + "/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        from jwt.algorithms import RSAAlgorithm

        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": KEY_ID, "use": "sig", "endorsements": list(self.endorsements)})
        return web.json_response({"keys": [jwk]})
