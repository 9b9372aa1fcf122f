"""Microsoft Teams adapter (Bot Framework SDK).

Everything that knows about botbuilder / botframework lives in this package, so a move to the
Microsoft 365 Agents SDK (the Bot Framework SDK's successor) touches these files alone. Importing
the package imports nothing from the SDK: `server.build_teams` is the entry point and pulls
the SDK in lazily, only when Teams is served.

    activities.py   Bot Framework activity → the core's Incoming (mentions, card submits, noise)
    cards.py        the core's Reply → an Adaptive Card (plain text only, never markup)
    plain.py        making user text inert in a card (no links, no markdown)
    dedupe.py       an activity delivered twice is handled once
    references.py   SQLite: conversation references (supervisor channel, personal chats), posts
    connector.py    outgoing calls to the Bot Connector; failures become DeliveryError
    service_urls.py where the bot may post: the Bot Framework's documented hosts only
    credentials.py  the bot's own token, fetched off the event loop and reused
    signing_keys.py Microsoft's token signing keys, fetched off the event loop and cached
    tokens.py       verifying an incoming request's Bot Framework token on those keys
    notifier.py     the core's Notifier for Teams (proactive posts, card updates, direct messages)
    turn.py         one incoming activity: translate, call the core, send the replies
    server.py       POST /api/messages: authentication / explicit, this-machine-only local mode
    manifest.py     the app package: manifest.json and icons in a zip
    icons.py        the two PNG icons, drawn without an image library
    strings.py      Teams-only wording
"""
