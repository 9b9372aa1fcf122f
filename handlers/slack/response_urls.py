"""POST to Slack `response_url`s over kept-alive connections.

Every ephemeral answer to `/edc` goes to a response_url on one host (hooks.slack.com).
slack_sdk's WebhookClient opens a new connection — a new TLS handshake — per message; keeping a
few connections open makes answers arrive sooner and costs a fraction of the CPU (measured in
bench/slack_bench.py). A connection Slack closed while idle fails on reuse before the request is
processed, so that one case is retried on a fresh connection.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import urllib.parse

MAX_IDLE_PER_HOST = 8
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class ResponseUrlError(Exception):
    """Slack did not take the message (HTTP status other than 200, or no connection)."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class ResponseUrls:
    def __init__(self, *, timeout: float = 10.0) -> None:
        self._timeout = timeout
        self._idle: dict[tuple[str, str, int], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls = ssl.create_default_context()

    def post(self, url: str, message: dict) -> None:
        """Send `message` as JSON; raises ResponseUrlError unless Slack answers 200."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ResponseUrlError(f"not a response_url: {url[:60]!r}")
        key = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        conn, reused = self._get(key)
        try:
            status, text = _send(conn, path, body)
        except _STALE:
            conn.close()
            if not reused:
                raise ResponseUrlError("Slack closed the connection") from None
            conn = self._new(key)
            status, text = self._send_fresh(conn, path, body)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise ResponseUrlError(f"response_url unreachable: {exc}") from exc
        self._put(key, conn)
        if status != 200:
            raise ResponseUrlError(f"response_url answered {status}: {text[:100]}", status=status)

    def _send_fresh(self, conn, path: str, body: bytes) -> tuple[int, str]:
        try:
            return _send(conn, path, body)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise ResponseUrlError(f"response_url unreachable: {exc}") from exc

    def _get(self, key) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            idle = self._idle.get(key)
            if idle:
                return idle.pop(), True
        return self._new(key), False

    def _new(self, key) -> http.client.HTTPConnection:
        scheme, host, port = key
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._tls)
        return http.client.HTTPConnection(host, port, timeout=self._timeout)

    def _put(self, key, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < MAX_IDLE_PER_HOST:
                idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for conn in conns:
            conn.close()


def _send(conn: http.client.HTTPConnection, path: str, body: bytes) -> tuple[int, str]:
    conn.request(
        "POST", path, body=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    response = conn.getresponse()
    text = response.read().decode("utf-8", errors="replace")
    if response.will_close:
        conn.close()
    return response.status, text
