"""Staff-facing wording that exists only in Teams (the rest is in bot/strings.py)."""

# {policy_name}, {policy_code}, {example_clause}: the served policy bundle's (turn.py `welcome`);
# {form_lines}: a line per form, from its form file (bot/forms/menu.py `help_lines`).
WELCOME_TITLE = "Hi, I'm EDC — the staff {policy_name} policy assistant."
WELCOME_PERSONAL = """\
Ask me anything about the district's {policy_name} policy ({policy_code}), the way you'd ask a \
colleague — for example *can I text a student?* — and I'll quote the part of the policy that \
answers it, word for word.

*What I can do*
  policy — every clause with a one-line title
  {example_clause} — one clause in full (any clause number works)
{form_lines}
  help — everything I understand

This chat is private between you and me."""
WELCOME_CHANNEL = """\
I answer questions about the district's {policy_name} policy ({policy_code}) and quote the policy \
word for word. Mention me with a question — for example *@EDC can I text a student?* — and I'll \
answer you in a private chat: answers are private to the person who asks. Reports are filed in \
that private chat too."""

ANSWERED_IN_PERSONAL = (
    "I've answered you in a private chat — answers are private to the person who asks."
)
MOVED_TO_PERSONAL = "I've sent you a private message to continue there — reports are confidential."
PERSONAL_CHAT_FAILED = (
    "I couldn't open a private chat with you. Find EDC under Apps in Teams, open a chat with it, "
    "and type your request there."
)

SUPERVISOR_SET = (
    "Done — finished reports will be posted in this channel, and supervisors can acknowledge "
    "them here."
)
SUPERVISOR_SET_OVERRIDDEN = (
    "Registered this channel, but TEAMS_SUPERVISOR_CHANNEL is set in the bot's configuration and "
    "takes precedence. Ask your IT contact to remove it to use this channel."
)
SUPERVISOR_NOT_ADMIN = (
    "Only an EDC administrator can choose the supervisor channel. Ask your IT contact to add "
    "your ID to EDC_ADMINS: {user_id}"
)
SUPERVISOR_ONLY_IN_CHANNEL = "Type this in the team channel that should receive reports."

FIELD_REQUIRED = "Please fill this in."
SUBMIT_ANSWER = "Next"
CHOOSE = "Choose…"
DATE_LABEL = "Date"
TIME_LABEL = "Time"
TRUNCATED = " … (shortened here; the full text is in the record)"
