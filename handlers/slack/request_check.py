"""Is this request from Slack, and is it one we can read? Checked before anything is parsed.

Order matters for cost: the headers first (no timestamp or signature, a stale or malformed one:
401 without reading the body), then the signature over the raw bytes (HMAC-SHA256 of
"v0:{timestamp}:{body}" with SLACK_SIGNING_SECRET), and only a genuine request is parsed. An
unsigned megabyte costs us nothing but the read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import urllib.parse

MAX_AGE_SECONDS = 300  # Slack's advice: refuse requests older than five minutes (replays)
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def header_problem(headers, *, now: float) -> str | None:
    """Why these headers can't belong to a genuine Slack request (a 401), or None.
    `headers`: aiohttp's CIMultiDict (a header sent twice is refused: which one is signed?)."""
    timestamps = headers.getall("X-Slack-Request-Timestamp", [])
    signatures = headers.getall("X-Slack-Signature", [])
    if len(timestamps) != 1 or len(signatures) != 1:
        return "no single X-Slack-Request-Timestamp and X-Slack-Signature"
    if not _TIMESTAMP.fullmatch(timestamps[0]):
        return "X-Slack-Request-Timestamp is not a Unix time"
    if abs(now - int(timestamps[0])) > MAX_AGE_SECONDS:
        return "X-Slack-Request-Timestamp is more than five minutes away (a replay?)"
    if not _SIGNATURE.fullmatch(signatures[0]):
        return "X-Slack-Signature is not a v0 signature"
    return None


def signed_by(secret: str, body: bytes, headers) -> bool:
    """Whether X-Slack-Signature is the signing secret's HMAC of this body (constant time)."""
    timestamp = headers["X-Slack-Request-Timestamp"].encode()
    expected = hmac.new(secret.encode(), b"v0:" + timestamp + b":" + body, hashlib.sha256)
    return hmac.compare_digest("v0=" + expected.hexdigest(), headers["X-Slack-Signature"])


def body_problem(body: bytes, content_type: str) -> str | None:
    """Why a signed body is no Slack payload we can handle (a 400), or None: Slack sends
    form-encoded commands and interactions (JSON in `payload`) and JSON events. A signed
    body is still checked for shape: the listeners may then trust the types they read."""
    try:
        text = body.decode("utf-8")
        if content_type == JSON:
            return _shape(json.loads(text), _EVENTS, "body")
        if content_type != FORM:
            return "unexpected content type"
        fields = urllib.parse.parse_qs(text, keep_blank_values=True, max_num_fields=200)
        if "payload" in fields:
            payloads = fields["payload"]
            if len(payloads) != 1:
                return "more than one payload"
            payload = json.loads(payloads[0])
            return _shape(payload, _INTERACTION, "payload") or _required(payload, "type")
        return None
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    except RecursionError:
        return "the JSON is nested too deeply"
    except ValueError:  # malformed JSON, too many form fields
        return "the body is malformed"


# ---- the shapes Bolt and the listeners read ------------------------------------------------------
# A dict spec checks the keys that are present (others pass); "*" applies to every key; a list
# spec [item] is a list of such items; a tuple is a choice; None is JSON null. Bolt reads IDs
# from any body (and from its event, message, item...) as a string or an object with an "id":
# _COMMON holds those. Event types the app subscribes to are checked in depth; Slack may send
# other shapes for other events.

_ID = (str, dict, None)
_TEXT = (str, None)
_COMMON: dict = {
    "type": str,
    "authorizations": [{"team_id": _TEXT, "user_id": _TEXT, "enterprise_id": _TEXT}],
    "enterprise": _ID,
    "team": _ID,
    "user": _ID,
    "channel": _ID,
    "team_id": _TEXT,
    "user_id": _TEXT,
    "channel_id": _TEXT,
    "enterprise_id": _TEXT,
    "thread_ts": _TEXT,
    "user_team": _TEXT,
    "is_enterprise_install": (bool, str, None),
    "is_ext_shared_channel": (bool, None),
    "response_url": str,
    "response_urls": [{"response_url": str, "channel_id": str, "block_id": str}],
    "view": dict,
    "function_data": dict,
    "assistant_thread": dict,
}
for _nested in ("event", "message", "previous_message", "item"):
    _COMMON[_nested] = _COMMON  # Bolt looks inside these the same way

_OPTION = {"value": str, "text": dict}
_INPUT = {
    "type": str,
    "value": (str, None),
    "selected_option": (_OPTION, None),
    "selected_options": [_OPTION],
    "selected_date": (str, None),
    "selected_time": (str, None),
    "selected_date_time": (int, None),
}
_STATE = {"values": {"*": {"*": _INPUT}}}
_MESSAGE_EVENT = {
    **_COMMON,
    "user": str,
    "text": str,
    "channel": str,
    "channel_type": str,
    "ts": str,
    "thread_ts": str,
    "event_ts": str,
    "subtype": str,
    "bot_id": str,
    "hidden": bool,
    "tab": str,
}
_CHECKED_EVENTS = ("message", "app_mention", "app_home_opened")
_EVENTS = {**_COMMON, "token": str, "challenge": str, "api_app_id": str, "event_id": str}
_INTERACTION = {
    **_COMMON,
    "api_app_id": str,
    "trigger_id": str,
    "user": {"id": str, "username": str, "name": str, "team_id": str},
    "team": ({"id": str, "domain": str}, None),
    "channel": ({"id": str, "name": str}, None),
    "container": {"type": str, "message_ts": str, "channel_id": str, "view_id": str},
    "message": {**_COMMON, "ts": str, "text": str},
    "actions": [
        {
            "type": str,
            "action_id": str,
            "block_id": str,
            "value": str,
            "action_ts": str,
            "selected_option": (_OPTION, None),
            "selected_date": (str, None),
            "selected_time": (str, None),
        }
    ],
    "state": _STATE,
    "view": {
        "id": str,
        "type": str,
        "callback_id": str,
        "private_metadata": str,
        "hash": str,
        "root_view_id": (str, None),
        "state": _STATE,
    },
}


def _shape(value, spec, where: str) -> str | None:
    if isinstance(spec, tuple):
        problems = [_shape(value, option, where) for option in spec]
        return None if None in problems else problems[0]
    if spec is None:
        return None if value is None else f"{where} is not null"
    if isinstance(spec, list):
        if not isinstance(value, list):
            return f"{where} is not a list"
        return next((p for item in value if (p := _shape(item, spec[0], where + "[]"))), None)
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return f"{where} is not an object"
        for key, item in value.items():
            rule = spec.get(key, spec.get("*"))
            if rule is not None and (problem := _shape(item, rule, f"{where}.{key}")):
                return problem
        if where == "body" and value.get("type") == "event_callback":
            return _event_problem(value.get("event"))
        return None
    if spec is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, spec)
    return None if ok else f"{where} is not a {spec.__name__}"


def _event_problem(event) -> str | None:
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "the event is not an event"
    if event["type"] in _CHECKED_EVENTS:
        return _shape(event, _MESSAGE_EVENT, "event")
    return None


def _required(payload: dict, key: str) -> str | None:
    return None if isinstance(payload.get(key), str) else f"the payload has no {key}"
