"""The button actions: every `Button.action` the core puts on a reply and reads back from an
`Incoming.action`. The core and the adapters name them through these constants, never by
their strings; the strings are what is stored on buttons already posted, so they never change.

Each constant says in brackets what its `Button.value` holds.
"""

from __future__ import annotations

# Questions and answers (bot/engine.py)
SHOW_CLAUSE = "clause.show"  # (clause id) show that clause
SHARE_ANSWER = "answer.share"  # (answer ref) post the answer publicly
FEEDBACK_UP = "feedback.up"  # (answer ref) 👍
FEEDBACK_DOWN = "feedback.down"  # (answer ref) 👎, then the bot asks what was missing

# Forms (bot/forms/menu.py)
START_FORM = "form.start"  # (form name) start it, or offer to resume an open draft first
OPEN_FORM = "form.open"  # (form name) the whole form at once, where a surface can (a modal)
SUBMIT_FORM = "form.submit"  # (form name) a whole form's values at once (Incoming.action.values)

# A dialog in progress (bot/reports/routing.py): a press meant for an earlier question is stale
ANSWER = "dialog.answer"  # ("field=value") answer that field
SKIP = "dialog.skip"  # (field) skip that optional field
EDIT = "dialog.edit"  # (field) go back to that field
BACK = "dialog.back"
STATUS = "dialog.status"
HELP = "dialog.help"
SUBMIT = "dialog.submit"
CANCEL = "dialog.cancel"
CANCEL_CONFIRM = "dialog.cancel_confirm"  # ("yes" | "no")
PENDING = "dialog.pending"  # ("answer" | "ask") an answer that looked like a question
DIALOG = frozenset(
    {ANSWER, SKIP, EDIT, BACK, STATUS, HELP, SUBMIT, CANCEL, CANCEL_CONFIRM, PENDING}
)

# Drafts (bot/reports/drafts.py)
RESUME = "report.resume"  # (draft id) carry on with the open draft
START_OVER = "report.new"  # (form name, may be empty) cancel the open draft, start that form

# Supervisors (bot/reports/supervision.py): members of the supervisor channel only
ACKNOWLEDGE = "report.ack"  # (report number)
VIEW = "report.view"  # (report number) the full report, privately
SUPERVISOR = frozenset({ACKNOWLEDGE, VIEW})

# Actions a surface may leave out when it has no way to honour them: SHARE_ANSWER (Teams answers
# in place) and OPEN_FORM (the whole form at once: a Slack modal).
OPTIONAL = frozenset({SHARE_ANSWER, OPEN_FORM})
