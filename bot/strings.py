"""Every staff-facing sentence of the Q&A core, in one place a principal can review.

Dialog and report wording lives in the form definitions (bot/forms/) beside the fields it
belongs to; everything else a user reads is here. Tests refer to these names, not to literals.
"""

# {form_lines}: one line per form, from its form file (bot/forms/menu.py `help_lines`).
# {policy_name}, {policy_code}: the served policy's (its bundle's policy.yml); {example_clause}:
# its bundle.yml's.
HELP = """\
I answer questions about the district's staff {policy_name} policy ({policy_code}) and quote the \
policy word for word.

*Ask anything*, the way you'd ask a colleague:
  /edc can I text a student?
  /edc is it ok to friend a parent on facebook
*Read the policy:*
  /edc policy          — every clause with a one-line title
  /edc {example_clause:<16}— one clause in full (also: /edc clause {example_clause})
  /edc why             — what my last answer matched on
*Reports:*
{form_lines}
  /edc drafts          — your unfinished reports: resume carries on, start over begins anew
  /edc help            — this message

Answers are private to you. I'm a guide to the policy text, not legal advice: when in doubt, ask \
your immediate supervisor."""

DECLINE = "The policy doesn't seem to cover that."
DECLINE_SUGGEST = "The closest parts of the policy — did you mean one of these?"
DECLINE_WHO = (
    "For anything the policy doesn't address, ask your immediate supervisor (usually your "
    "principal) or the district office."
)
RELATED = "Related"
ALSO_APPLIES = "This may also fall under {clause} ({title}). {verdict}: {answer}"
REFERENCE_TO_CLAUSE = "This refers to {target}. {note}"
REFERENCE_EXTERNAL = (
    "This refers to {what}. I can't quote it: ask your supervisor or the district office for "
    "the current text."
)
FOOTER = "Quoted from {district} policy {revision} · /edc why shows what matched"
FOOTER_CLAUSE = "Quoted from {district} policy {revision}"
TOC_HEADING = "{name} policy ({code}) — {district}. Adopted {adopted}, revised {revised}."
TOC_LINE = "{id}  {title}"
TOC_HINT = "Type /edc {example_clause} (or any number) to read a clause in full."
UNKNOWN_CLAUSE = "There is no clause {requested} in the policy. Clauses are: {ids}."
WHY_NOTHING = "Ask me a question first; then /edc why shows what my answer matched on."
WHY_ANSWERED = (
    "For “{query}” I matched clause {clause} ({title}) on: {terms}. Confidence {confidence:.0%}."
)
WHY_DECLINED = (
    "For “{query}” nothing matched strongly enough (confidence {confidence:.0%}); the closest "
    "clauses were {clauses} (on: {terms})."
)
WHY_DECLINED_UNRELATED = " It reads most like “{closest}”, a question the policy doesn't cover."
TOO_LONG = (
    "That message is very long ({length:,} characters). I looked only at the first {limit:,} "
    "characters; for a better answer, ask one short question."
)
NO_WORDS = "I couldn't find any words in that. Type /edc help to see what I can do."
SHARE_GONE = "That answer is no longer available to share; ask the question again."
SHARED_QUESTION = "Shared from /edc: “{query}”"
YOU_ARE_WELCOME = "You're welcome. Ask me anything else about the policy, any time."
FEEDBACK_THANKS = "Thanks — your feedback was recorded."
FEEDBACK_ASK = "Sorry that didn't help. What were you looking for? (Reply in a few words.)"
ERROR = "Sorry, something went wrong on my side (incident {incident}). Nothing you typed was lost; please try again."

BUTTON_SHARE = "Share in channel"
BUTTON_HELPFUL = "👍 Helpful"
BUTTON_NOT_HELPFUL = "👎 Not helpful"
