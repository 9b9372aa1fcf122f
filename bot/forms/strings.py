"""Every staff-facing sentence of the report dialogs and delivery, in one reviewable place.

Form-specific wording (questions, help, warnings) lives in bot/forms/definitions/*.yml; this
module holds what is the same for every form. Tests refer to these names, not to literals.
"""

# ---- answering a question -----------------------------------------------------------------
REQUIRED = "Please type an answer. {hint}"
SKIP_HINT = "This one is optional: type skip to leave it out."
TOO_SHORT_WORDS = "Please say a little more — at least {min} words (you wrote {count})."
TOO_SHORT_CHARS = "Please give at least {min} characters."
TOO_LONG = "That's longer than this answer allows ({max:,} characters). Please shorten it."
NOT_A_CHOICE = "Please pick {choices} (or type {numbers})."
NOT_YES_NO = (
    "I couldn't tell whether that is a yes or a no. Please answer yes or no — "
    "e.g. “yes”, “no”, “no, there wasn't”."
)
NOT_A_DURATION = (
    "Please give a rough length, e.g. “5 minutes”, “10-15 min”, “about an hour” or “1h 20m”."
)
TIME_ERRORS = {
    "unrecognised": "I couldn't read that as a date and time.",
    "no_time": "Please add the time of day as well as the date.",
    "future": "That time is in the future — the report is about a call that already happened.",
    "too_old": "That is more than two years ago — please check the date.",
    "bad_date": "That date doesn't exist — please check the day and month.",
    "too_long": "That's too long for a date and time.",
}
TIME_EXAMPLES = (
    "Try “today 7:45am”, “last night around 9”, “yesterday at 3:10 pm”, “20 minutes ago” "
    "or “11/28 14:30”."
)
TIME_CONFIRMED = "Got it: {when} ({ago} ago)."
TIME_APPROXIMATE = (
    "Got it: about {when} ({ago} ago). If you know the exact time, type edit {label} to give it."
)
CURRENT_ANSWER = "Current answer: {value} — press Enter (or type keep) to leave it as it is."
KEPT = "Kept: {value}."
APPROXIMATE = "about {value}"
TAKEN_AS = "Taken as: {value}."
REMEMBERED = "Last time you named {value} — type “same” to use it again."
CANNOT_SKIP = "This question can't be skipped. {prompt_hint}"
SKIPPED = "Skipped."
STALE_BUTTON = "That button belongs to an earlier question. Here's where we are:"
ANSWER_OR_ASK = (
    "That looks like a question. Did you mean to ask the policy bot, or is this your answer? "
    "Type answer to save it as your answer, or ask to look it up in the policy."
)
BUTTON_SAVE_ANSWER = "It's my answer"
BUTTON_ASK_POLICY = "Ask the policy bot"
QUESTION_ASIDE = "Answering that as a policy question — your {title} stays open."
BACK_TO_FORM = "Back to your {title}. I'm still waiting for this answer:"
PRIVACY_AGAIN = (
    "That answer seems to include {what}. {reminder} If your supervisor doesn't need it, "
    "type edit {label} to change it."
)
PRIVACY_WHAT = {
    "name": "a full name",
    "phone": "a phone number",
    "email": "an email address",
    "address": "a street address",
    "health": "a health detail",
}

# ---- moving around ------------------------------------------------------------------------
STARTED = "{title}. {intro}"
RESUMED = "Welcome back — continuing your {title} ({done} of {total} answered)."
STEP_COUNTER = "Question {n} of {total}"
NOTHING_TO_GO_BACK_TO = "This is the first question — there is nothing before it."
UNKNOWN_FIELD = "There's no question called “{arg}”. You can edit: {fields}."
EDIT_HOW = "Which answer? Type edit and one of: {fields}."
EDIT_AMBIGUOUS = "“{arg}” could be {fields}. Type edit and the whole label, or its number."
STILL_NEEDED = "Before submitting, I still need: {fields}."
AT_REVIEW = (
    "Your {title} is ready but not sent yet. To send it to your supervisor, type submit "
    "(yes, send or “looks good” work too). To change an answer, type edit and its label "
    "(e.g. edit {example}). To stop, type cancel."
)
CLOCK_DEFAULT = "Since {when} · {ago} ago"

DIALOG_HELP = """\
You're filling in your {title}. Answer the question, or type:
  back            — the previous question
  skip            — skip an optional question
  edit <question> — change an answer, by its label or number (e.g. edit {example_field});
                    then press Enter or type keep to leave it as it was
  status          — what's filled in and what's left
  cancel          — stop (the draft is kept as cancelled, never sent)
  ? <question>    — ask about the policy without leaving the report (e.g. ? can I text a student)
Everything you type is saved as you go."""

STATUS_HEADING = "{title} — {done} of {total} answered"
STATUS_LEFT = "Still to answer: {fields}."
STATUS_ALL_DONE = "Everything is answered — type submit to review and send."
NOT_ANSWERED = "—"
SKIPPED_VALUE = "(skipped)"
YES, NO = "Yes", "No"

# ---- cancel -------------------------------------------------------------------------------
CANCEL_CONFIRM = (
    "Cancel this {title}? It won't be sent; the draft is kept as cancelled, not deleted. "
    "Type yes to cancel it, or no to keep going."
)
CANCELLED = "Cancelled. The draft is kept as cancelled and was not sent. Type /edc {command} to start again."
NOT_CANCELLED = "OK, carrying on."
BUTTON_CANCEL_YES = "Yes, cancel"
BUTTON_CANCEL_NO = "No, keep going"

# ---- review and submit --------------------------------------------------------------------
REVIEW_HEADING = "Please review your {title}"
BUTTON_SUBMIT = "Submit"
BUTTON_EDIT = "Edit {label}"
BUTTON_CANCEL = "Cancel"
BUTTON_SKIP = "Skip"
RECEIPT = (
    "Submitted — your {title} is number {number}. It has been stored securely and is on its way "
    "to the supervisor channel; you'll be told when it is acknowledged. Keep the number for "
    "your records. To correct it later: /edc addendum {number}"
)
ALREADY_SUBMITTED = "This was already submitted as {number}."

# ---- starting, resuming, drafts -----------------------------------------------------------
PRIVATE_ONLY = "I've sent you a private message to fill in the {title} — it's confidential, so it isn't done here."
OPEN_DRAFT = (
    "You have an unfinished {title}, started {started} ({done} of {total} answered). "
    "Type resume to continue where you left off, or “start over” to begin a new one "
    "(the old draft is kept as cancelled)."
)
OPEN_DRAFT_OTHER = (
    "You have an unfinished {title}, started {started} ({done} of {total} answered). "
    "Type resume to continue it, or “start over” to leave it and begin your {new_title} "
    "instead (the unfinished one is kept as cancelled)."
)
BUTTON_RESUME = "Continue"
BUTTON_START_OVER = "Start over"
NO_DRAFTS = "You have no unfinished reports. Type /edc help to see the reports you can start."
DRAFTS_HEADING = "Your drafts"
DRAFT_LINE = "{title} — started {started}, {done} of {total} answered ({status})"
WELCOME_BACK = "Welcome back. You were in the middle of your {title}; nothing was lost."
DRAFT_REMINDER = (
    "Reminder: your {title} is not finished yet ({done} of {total} answered). The policy asks for "
    "the report without any avoidable delay — type resume to continue."
)

# ---- addenda ------------------------------------------------------------------------------
ADDENDUM_WHICH = "Which report? Type addendum and its number, e.g. /edc addendum EDC-2026-0001."
ADDENDUM_UNKNOWN = "I can't find report {number} among the reports you filed."
ADDENDUM_TITLE = "Addendum to {number}"

# ---- acknowledgement and the supervisor channel -------------------------------------------
ACK_WHICH = "Which report? Type ack and its number, e.g. /edc ack EDC-2026-0001."
ACK_UNKNOWN = "There is no report {number}."
ACK_NOT_ALLOWED = "Only supervisors can acknowledge reports."
ACK_OWN = "You filed {number} yourself, so you can't acknowledge it — another supervisor must."
ACK_DONE = "Acknowledged {number}. The reporter has been told."
ACK_ALREADY = "{number} was already acknowledged by {by} at {at}."
ACK_NOTICE = "Your {title} {number} was acknowledged by {by} at {at}."
VIEW_NOT_ALLOWED = "Only supervisors can view reports."
VIEW_WHICH = "Which report? Type view and its number, e.g. /edc view EDC-2026-0001."

CARD_HEADING = "{title} {number}"
CARD_REANNOUNCE = "Reminder: {number} has not been acknowledged yet."
CARD_ACKED = "Acknowledged by {by} at {at}"
CARD_SUMMARY_NOTE = (
    "The full report is shown only to whoever presses View report; each view is recorded."
)
CARD_AMENDS = "Addendum to {number}"
CARD_PRECHECK_WARNING = (
    "Pre-check answers to look at (a condition of item 3.5 may not be met): {labels}."
)
# The audit log's position and MAC when the card was posted: an outside witness that lets
# `reports verify --witness` notice deleted audit entries.
CARD_WITNESS = "Audit witness {witness}"
CARD_FIELDS = {
    "called": "Call time",
    "submitted": "Submitted",
    "delay": "Delay",
    "reporter": "Reporter",
    "supervisor": "Supervisor",
    "policy": "Filed under",
}
BUTTON_ACK = "Acknowledge"
BUTTON_VIEW = "View report"
BUTTON_WHOLE_FORM = "Fill in as a form"
