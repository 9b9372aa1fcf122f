"""Is this request from the Bot Framework? The checks Microsoft documents for a bot's endpoint
("Authentication with the Bot Connector API": connector service to bot), on our own cached keys:

1. an `Authorization: Bearer <JWT>` header;
2. issued by the issuer the OpenID metadata names (https://api.botframework.com publicly);
3. for this bot: `aud` is MicrosoftAppId;
4. within its validity period, with five minutes' clock skew;
5. signed (with an algorithm the metadata lists) by a key from the published key set, and that
   key endorsed for the activity's channel when it lists endorsements;
6. its `serviceurl` claim is the activity's serviceUrl.

The SDK does the same, but fetches the keys on the event loop with no timeout (signing_keys.py).
"""

from __future__ import annotations

from handlers.teams.signing_keys import KeysUnavailable, SigningKeys

CLOCK_SKEW_SECONDS = 300
MAX_TOKEN = 16 * 1024

__all__ = ["InvalidToken", "KeysUnavailable", "verify_token"]


class InvalidToken(Exception):
    """No token, or one that fails a check: 401. The message says which, for the log."""


async def verify_token(
    authorization: str, *, keys: SigningKeys, app_id: str, channel_id: str, service_url: str
) -> dict:
    """The token's claims when every check holds; raises InvalidToken or KeysUnavailable."""
    import jwt

    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme != "Bearer" or not token or len(token) > MAX_TOKEN:
        raise InvalidToken("no Bearer token")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"not a JWT: {exc}") from None
    key_set, key = await keys.get(str(header.get("kid") or ""))
    if unverified.get("iss") != key_set.issuer:
        raise InvalidToken("not issued by the Bot Framework")
    if key is None:
        raise InvalidToken("signed with a key the Bot Framework does not publish")
    algorithms = [a for a in key_set.algorithms if a.startswith(("RS", "PS"))] or ["RS256"]
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=algorithms,
            audience=app_id,
            issuer=key_set.issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"token refused: {exc}") from None
    if key.endorsements and channel_id not in key.endorsements:
        raise InvalidToken(f"the signing key is not endorsed for channel {channel_id!r}")
    if claims.get("serviceurl") != service_url:
        raise InvalidToken("the token was issued for another serviceUrl")
    return claims
