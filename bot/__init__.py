"""The platform-neutral core. Never imports slack_bolt, slack_sdk or botbuilder."""
