"""The report dialogs: a Bot extension (bot/engine.py `Extension`) that takes the messages and
button presses meant for a form, saves the draft after every turn, and turns outcomes into
records, deliveries and receipts.

One job a module:
- extension.py  the facade the core registers: one turn at a time per user, the adapters' API
- routing.py    which part a typed command or a button press goes to
- turns.py      one turn of an open draft: a typed answer, a dialog command, a button, a question
- drafts.py     starting, resuming, starting over, listing drafts, reminders for idle ones
- addenda.py    an addendum to a filed report (`/edc addendum N`)
- filing.py     a finished dialog or a whole form → a stored report and its outbox entries
- supervision.py  acknowledging and viewing a report, and who may
- services.py, replies.py, numbers.py  what the parts share

Rules (the same on every surface):
- A dialog runs only in a private conversation; started elsewhere, a short note goes where it
  was asked and the dialog itself goes to the user's DM (`Reply.to == "dm"`).
- While a draft is open, every message in the private conversation is read as an answer to the
  current question first (bot/forms/dialog.py), except the dialog commands (back, skip, edit,
  status, cancel, help, submit, resume, drafts, ack, view, start over). Text starting with "?"
  or "/edc" is always a policy question; otherwise only a reply that is not a valid answer and
  plainly is a question goes to the policy lookup. Either way the bot says it is answering a
  question, answers, and repeats the question it is waiting for.
- A command names its form (its file's `command`, bot/forms/registry.py): `/edc concern` while
  an emergency-call draft is open offers to resume that draft or start over, and "start over"
  then starts the concern notice.
- Nobody acknowledges a report they filed themselves, on any surface.
- Buttons carry the actions of bot/actions.py; a press meant for an earlier question is ignored
  with a note, so double-clicks and stale buttons never answer the wrong question.
"""

from bot.reports.extension import ReportsExtension
from bot.reports.filing import FormResult

__all__ = ["FormResult", "ReportsExtension"]
