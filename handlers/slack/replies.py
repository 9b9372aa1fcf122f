"""Send the core's replies back to where the user is, the way Slack wants each case done.

- Private answers in a channel are ephemeral: through the command's / button's `response_url`
  (works even in channels the bot is not in), or chat.postEphemeral for a mention.
- In the user's DM with the bot, replies are ordinary messages (ephemeral ones vanish there).
- `Reply.to == "dm"` (the report dialog) always goes to the DM; when the user was elsewhere they
  get an ephemeral "I've messaged you privately" with a link to the DM.
- A reply the user chose to share (not private) is posted in the channel on purpose.

Ephemeral messages cannot be edited with chat.update: a new step is always a new message, and
only a button's own message is replaced (through its response_url).
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.incidents import log_incident
from bot.messages import Reply
from handlers.slack import strings
from handlers.slack.blocks import render
from handlers.slack.escape import escape
from handlers.slack.inbound import Origin
from handlers.slack.response_urls import ResponseUrlError, ResponseUrls

log = logging.getLogger(__name__)

POST_OPTIONS = {"unfurl_links": False, "unfurl_media": False}


class DirectChannels:
    """The DM channel ID per user (conversations.open is idempotent; cache it)."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._by_user: dict[str, str] = {}
        self._lock = threading.Lock()

    def channel_for(self, user_id: str) -> str:
        with self._lock:
            if user_id in self._by_user:
                return self._by_user[user_id]
        channel = self._client.conversations_open(users=user_id)["channel"]["id"]
        self.remember(user_id, channel)
        return channel

    def remember(self, user_id: str, channel_id: str) -> None:
        with self._lock:
            self._by_user[user_id] = channel_id

    def known(self, user_id: str) -> str:
        with self._lock:
            return self._by_user.get(user_id, "")


class Replier:
    def __init__(
        self, *, client: WebClient, dms: DirectChannels, urls: ResponseUrls | None = None
    ) -> None:
        self.client = client
        self.dms = dms
        self.urls = urls or ResponseUrls()

    def send(self, origin: Origin, replies: list[Reply]) -> None:
        moved = False
        for reply in replies:
            try:
                if reply.to == "dm" or origin.in_dm:
                    self.to_dm(origin.user_id, reply)
                    moved = moved or (reply.to == "dm" and not origin.in_dm)
                elif not reply.private:
                    self._public(origin, reply)
                else:
                    self._ephemeral(origin, reply)
            except (SlackApiError, ResponseUrlError) as exc:
                self._failed(origin, reply, exc)
        # The core may already say "continuing in private"; otherwise say it here, with a link.
        if moved and all(reply.to == "dm" for reply in replies):
            self.note(origin, strings.MOVED_TO_DM.format(link=self._dm_link(origin)), escaped=True)

    def to_dm(self, user_id: str, reply: Reply) -> dict:
        channel = self.dms.channel_for(user_id)
        return self.client.chat_postMessage(channel=channel, **render(reply), **POST_OPTIONS).data

    def note(self, origin: Origin, text: str, *, escaped: bool = False) -> None:
        """A one-line private note where the user is (ephemeral, or in the DM)."""
        body = text if escaped else escape(text)
        message = {
            "text": body,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": body, "verbatim": True}}
            ],
        }
        try:
            if origin.in_dm:
                self.client.chat_postMessage(
                    channel=self.dms.channel_for(origin.user_id), **message, **POST_OPTIONS
                )
            else:
                self._only_to_user(origin, message)
        except (SlackApiError, ResponseUrlError) as exc:
            log.warning("could not send a note to %s: %s", origin.user_id, _error(exc))

    def _ephemeral(self, origin: Origin, reply: Reply) -> None:
        message = render(reply)
        if origin.kind == "command" and origin.text and reply.kind in ("answer", "decline"):
            # The slash command itself is not shown in Slack: say what the answer is to.
            asked = {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"/edc {escape(origin.text)}"[:3000],
                        "verbatim": True,
                    }
                ],
            }
            message["blocks"] = [asked] + message["blocks"][:49]
        if not self._only_to_user(origin, message):  # App Home buttons: the DM is the private place
            self.to_dm(origin.user_id, reply)

    def _only_to_user(self, origin: Origin, message: dict) -> bool:
        """Post `message` visible to the user alone where they are; False when there is no such
        place (no response_url and no channel)."""
        if origin.response_url:
            self._respond(origin.response_url, message, response_type="ephemeral")
        elif origin.channel_id:
            self.client.chat_postEphemeral(
                channel=origin.channel_id,
                user=origin.user_id,
                **message,
                **({"thread_ts": origin.thread_ts} if origin.thread_ts else {}),
            )
        else:
            return False
        return True

    def _public(self, origin: Origin, reply: Reply) -> None:
        message = render(reply, shared_by=origin.user_id)
        if origin.kind == "mention":
            self.client.chat_postMessage(
                channel=origin.channel_id,
                thread_ts=origin.thread_ts or origin.message_ts,
                **message,
                **POST_OPTIONS,
            )
        elif origin.response_url:
            self._respond(origin.response_url, message, response_type="in_channel")
        else:
            self.client.chat_postMessage(channel=origin.channel_id, **message, **POST_OPTIONS)

    def _dm_link(self, origin: Origin) -> str:
        channel = self.dms.known(origin.user_id)
        if origin.team_id and origin.app_id:
            return (
                f"<slack://app?team={origin.team_id}&id={origin.app_id}&tab=messages"
                f"|{strings.DM_LINK_LABEL}>"
            )
        if channel:
            return f"<#{channel}>"
        return strings.DM_LINK_FALLBACK

    def _respond(self, response_url: str, message: dict, *, response_type: str) -> None:
        """A response_url is valid for 30 minutes and 5 messages, and needs no token."""
        self.urls.post(
            response_url, {**message, "response_type": response_type, "replace_original": False}
        )

    def _failed(self, origin: Origin, reply: Reply, exc: Exception) -> None:
        log_incident(
            log,
            "could not send a %s reply to %s: %s",
            reply.kind,
            origin.user_id,
            _error(exc),
            exc_info=False,
        )
        if reply.to == "dm" and _error(exc) in ("cannot_dm_bot", "user_disabled", "missing_scope"):
            self.note(origin, strings.CANT_DM)


def _error(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    try:
        return str(response["error"])
    except Exception:
        return str(exc)
