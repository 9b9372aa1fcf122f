"""Staff-facing wording that only exists on Slack (controls, routing notes, App Home, start-up
log lines). The core's wording is in bot/strings.py; tests refer to these names."""

SHARED_BY = "Shared by {user}"
TRUNCATED = "… (shortened to fit in Slack — ask again in a narrower way to see the rest)"
EMPTY_FALLBACK = "EDC Policy Bot"
EXAMPLE = "_e.g. {example}_"
PICK_DATE = "Date of the call"
PICK_TIME = "Time"
USE_THIS_TIME = "Use this date and time"
OR_TYPE_IT = "…or type it, e.g. “today 7:45am” or “20 minutes ago”."
PICK_BOTH = "Pick both a date and a time, then press “Use this date and time” (or type it)."
EDIT = "Edit"
MOVED_TO_DM = "I've messaged you privately — this continues in {link}."
DM_LINK_LABEL = "your chat with me"
DM_LINK_FALLBACK = "your direct messages with me (Apps → EDC Policy Bot)"
CANT_DM = (
    "I couldn't open a private chat with you. Open the EDC Policy Bot from the Apps section "
    "of Slack and send it any message, then try again."
)

# App Home
HOME_TITLE = "EDC Policy Bot"
# {policy_name}, {policy_code}, {example_clause}: the served policy bundle's; {report_clause}:
# the clause the emergency-call form rests on (its form file).
HOME_INTRO = (
    "I answer questions about the district's staff *{policy_name} policy ({policy_code})*, quoting "
    "it word for word, and I walk you through the written report the policy requires after a "
    "confidential matter was discussed by cell phone in an emergency (item {report_clause})."
)
HOME_HOW = (
    "*Ask* — type `/edc` and your question anywhere (only you see the answer), or message me "
    "here.\n*Read* — `/edc policy` lists every clause; `/edc {example_clause}` shows one.\n"
    "*Report* — the "
    "buttons below; `/edc help` lists the command of each report."
)
HOME_FILL_FORM = "{title}: fill in as one form"
HOME_DRAFTS = "Your unfinished reports"
HOME_NO_DRAFTS = "No unfinished reports."
HOME_CONTINUE = "Continue"
HOME_SUBMITTED = "Your submitted reports"
HOME_NO_SUBMITTED = "You haven't submitted any reports."
HOME_PRIVACY = "Everything you ask or write here is private to you and your supervisor."

# Modal
MODAL_SUBMIT = "Submit"
MODAL_CANCEL = "Cancel"

# Log lines for the district IT person (start-up check of the supervisor channel)
LOG_NO_SUPERVISOR_CHANNEL = (
    "SLACK_SUPERVISOR_CHANNEL is not set: finished reports cannot be delivered on Slack until "
    "it is (they wait in the outbox)."
)
LOG_CHANNEL_NOT_FOUND = (
    "SLACK_SUPERVISOR_CHANNEL %s was not found (%s). Use the channel ID (channel details → "
    "bottom of the About tab), not its name; reports wait in the outbox until it is fixed."
)
LOG_BOT_NOT_IN_CHANNEL = (
    "The bot is not a member of the supervisor channel %s (#%s). Invite it: type "
    "/invite @EDC Policy Bot in that channel. Reports wait in the outbox until then."
)
LOG_CHANNEL_PUBLIC = (
    "!!! The supervisor channel %s (#%s) is PUBLIC. Reports are confidential: anyone in the "
    "workspace can read them there. Use a private channel. !!!"
)
LOG_HISTORY_UNREADABLE = (
    "The bot may not read the history of the supervisor channel %s (%s): add the "
    "groups:history (private) or channels:history (public) scope and reinstall. Until then a "
    "report whose first post had an unclear outcome is held for a person, not posted again."
)
HISTORY_UNREADABLE = (
    "Slack: cannot read the history of {channel} ({error}); a post with an unclear outcome is "
    "held for a person (add groups:history / channels:history)"
)
LOG_CHANNEL_OK = "Supervisor channel %s (#%s) is private and the bot is a member."
SUPERVISOR_MENTION = "For {user}, the reporter's immediate supervisor."
