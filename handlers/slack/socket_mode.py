"""Slack over Socket Mode: an outbound WebSocket, so no public URL is needed.

slack_sdk's built-in client (no extra dependency): it calls apps.connections.open with the app
token (through the Bolt app's client, so SLACK_API_URL applies), reconnects by itself when Slack
rotates or drops the connection, and sends each envelope's ack after our listener has acked.
Retried envelopes (`retry_attempt`) carry the same event_id and are de-duplicated like HTTP
retries.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def socket_handler(adapter, *, ping_interval: float = 10):
    """A started-on-demand handler for `adapter` (handlers.slack.bolt_app.SlackAdapter)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(
        adapter.app,
        app_token=adapter.config.slack_app_token,
        web_client=adapter.client,
        logger=logging.getLogger("edc.slack.socket"),
        ping_interval=ping_interval,
        auto_reconnect_enabled=True,
    )
