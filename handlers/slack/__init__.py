"""The Slack adapter (Bolt for Python): translate Slack payloads into the core's neutral messages
and render the core's replies as Block Kit. Importing this package imports no Slack SDK; the
modules that need slack_bolt / slack_sdk import them, and only app.py's Slack paths load those."""
