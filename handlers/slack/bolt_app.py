"""Build the Slack side: a Web API client, the Bolt App with our listeners, and the notifier.

Nothing here talks to Slack while building: `token_verification_enabled=False` skips Bolt's
eager auth.test (it runs lazily on the first request instead), so building never fails because
the network is down — the start-up check of the supervisor channel reports that instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Config
from bot.engine import Bot
from bot.seen import Seen
from handlers.slack.listeners import SlackListeners
from handlers.slack.notifier import SlackNotifier
from handlers.slack.replies import DirectChannels, Replier
from handlers.slack.supervisor import Members, Supervisors, check_channel
from handlers.slack.work import WORKERS, SlackWork, TaskRunner, UserQueues

log = logging.getLogger(__name__)

API_TIMEOUT = 10  # seconds; a hung Slack call must not hold a worker for the SDK's default 30


@dataclass
class SlackAdapter:
    app: App
    client: WebClient
    listeners: SlackListeners
    notifier: SlackNotifier
    runner: TaskRunner
    supervisors: Supervisors
    config: Config

    def check(self) -> list[str]:
        """The start-up check of the supervisor channel (logs; returns the problems)."""
        return check_channel(self.client, self.config.slack_supervisor_channel)

    def health(self) -> dict:
        """For GET /healthz: whether a request taken now will be answered, and how many Tasks
        are queued or running."""
        return {"ready": self.runner.ready(), "slack_backlog": self.runner.backlog()}

    def close(self) -> None:
        self.runner.close()


def build_slack(
    config: Config,
    bot: Bot,
    *,
    socket_mode: bool = False,
    workers: int = WORKERS,
    core=None,
) -> SlackAdapter:
    """The Slack adapter for `bot`. `socket_mode` needs SLACK_APP_TOKEN, HTTP the signing secret.
    `core` (bot.wiring.Core) adds what needs the records: the modal form and the Home lists.
    The work after each ack runs on `workers` threads of this process (handlers/slack/work.py)."""
    if socket_mode:
        config.require("slack_bot_token", "slack_app_token")
    else:
        config.require("slack_bot_token", "slack_signing_secret")
    client = WebClient(
        token=config.slack_bot_token,
        base_url=config.slack_api_url,
        timeout=API_TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(),
            RateLimitErrorRetryHandler(max_retry_count=1),
        ],
    )
    # The outbox retries deliveries itself: its client must report every failure at once.
    delivery_client = WebClient(
        token=config.slack_bot_token,
        base_url=config.slack_api_url,
        timeout=API_TIMEOUT,
        retry_handlers=[],
    )
    app = App(
        # The client carries the token (and SLACK_API_URL); Bolt takes both from it.
        # Socket Mode has no HTTP requests to sign; Bolt skips verification for it anyway.
        signing_secret=config.slack_signing_secret or "socket-mode",
        client=client,
        token_verification_enabled=False,
        # We ack inside the listener and queue the work ourselves (per-user order), so the
        # listener may run on the request thread: no polling for the ack, no lazy copies.
        process_before_response=True,
        logger=logging.getLogger("edc.slack.bolt"),
    )
    dms = DirectChannels(client)
    replier = Replier(client=client, dms=dms)
    forms = home_data = None
    if core is not None:
        from handlers.slack.home import records_home_data
        from handlers.slack.modal import FormModals

        forms = FormModals(
            client=client, reports=core.reports, replier=replier, timezone=config.timezone
        )
        home_data = records_home_data(core.records, timezone=config.timezone)
    work = SlackWork(
        bot=bot,
        replier=replier,
        home_data=home_data,
        forms=forms is not None,
    )
    runner = TaskRunner(work=work, queues=UserQueues(max_workers=workers))
    listeners = SlackListeners(runner=runner, seen=Seen(), forms=forms)
    listeners.register(app)
    notifier = SlackNotifier(client=delivery_client, dms=DirectChannels(delivery_client))
    return SlackAdapter(
        app=app,
        client=client,
        listeners=listeners,
        notifier=notifier,
        runner=runner,
        supervisors=Supervisors(Members(client), config.slack_supervisor_channel),
        config=config,
    )
