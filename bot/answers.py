"""Turn lookup results and clauses into neutral replies: answers, declines, clause text, TOC."""

from __future__ import annotations

from bot import actions, strings
from bot.forms.menu import start_button
from bot.forms.registry import current_forms
from bot.messages import Button, Buttons, Footer, Quote, Reply, Text, Verdict
from knowledge.policy import Clause, Policy
from knowledge.search import SearchResult


def answer_reply(
    policy: Policy, result: SearchResult, *, answer_ref: str = "", shared: bool = False
) -> Reply:
    """The answer to a question the lookup could answer; `shared` = posted in the channel on purpose."""
    clause = policy.clause(result.clauses[0])
    parts: list = []
    if result.answer:
        parts.append(Verdict(result.answer.verdict, result.answer.answer))
    parts += [Quote(clause.id, clause.title, passage) for passage in result.quote]
    parts += _reference_notes(policy, clause, " ".join(result.quote))
    parts += _also_applies(policy, result)
    buttons = [_clause_button(policy, cid) for cid in _related(policy, result, clause)]
    form = current_forms().resting_on(clause.id)  # the form whose file cites this clause
    if form is not None and any("written report" in s for s in result.quote):
        buttons.insert(0, start_button(form, primary=True))
    if buttons:
        parts += [Text(strings.RELATED, "note"), Buttons(tuple(buttons))]
    if shared:
        parts.insert(0, Text(strings.SHARED_QUESTION.format(query=result.query), "note"))
    else:
        parts.append(Buttons(_feedback_buttons(answer_ref)))
    parts.append(Footer(strings.FOOTER.format(district=policy.district, revision=policy.revision)))
    return Reply(tuple(parts), private=not shared, kind="answer")


def decline_reply(policy: Policy, result: SearchResult, *, answer_ref: str = "") -> Reply:
    parts: list = [Text(strings.DECLINE)]
    if result.clauses:
        parts.append(Text(strings.DECLINE_SUGGEST, "note"))
        parts.append(Buttons(tuple(_clause_button(policy, cid) for cid in result.clauses[:3])))
    parts.append(Text(strings.DECLINE_WHO, "note"))
    parts.append(Buttons(_feedback_buttons(answer_ref, share=False)))
    return Reply(tuple(parts), kind="decline", private=True)


def clause_reply(policy: Policy, clause: Clause) -> Reply:
    parts: list = [Quote(clause.id, clause.title, clause.text)]
    parts += _reference_notes(policy, clause, clause.text)
    targets = [r.clause for r in clause.references if r.clause and r.clause != clause.id]
    if targets:
        parts.append(Buttons(tuple(_clause_button(policy, cid) for cid in targets)))
    parts.append(
        Footer(strings.FOOTER_CLAUSE.format(district=policy.district, revision=policy.revision))
    )
    return Reply(tuple(parts), kind="clause", private=True)


def toc_reply(policy: Policy, example_clause: str) -> Reply:
    heading = strings.TOC_HEADING.format(
        name=policy.name,
        code=policy.code,
        district=policy.district,
        adopted=policy.adopted,
        revised=policy.revised,
    )
    lines = "\n".join(strings.TOC_LINE.format(id=c.id, title=c.title) for c in policy.clauses)
    return Reply(
        (
            Text(heading, "heading"),
            Text(lines),
            Text(strings.TOC_HINT.format(example_clause=example_clause), "note"),
        ),
        kind="policy",
        private=True,
    )


def _reference_notes(policy: Policy, clause: Clause, quoted: str) -> list[Text]:
    notes = []
    for ref in clause.references:
        if ref.phrase not in quoted:
            continue
        if ref.external:
            notes.append(Text(strings.REFERENCE_EXTERNAL.format(what=ref.external), "note"))
        else:
            target = policy.clause(ref.clause)
            notes.append(
                Text(
                    strings.REFERENCE_TO_CLAUSE.format(
                        target=f"{target.id} ({target.title})", note=ref.note
                    ).strip(),
                    "note",
                )
            )
    return notes


def _also_applies(policy: Policy, result: SearchResult) -> list:
    """A runner-up clause nearly as likely as the first: say it may apply too, with its own
    verdict, plain answer and quote, rather than sound sure of one clause."""
    parts: list = []
    for other in result.also:
        clause = policy.clause(other.clause)
        parts.append(
            Text(
                strings.ALSO_APPLIES.format(
                    clause=clause.id, title=clause.title, verdict=other.verdict, answer=other.answer
                ),
                "note",
            )
        )
        parts += [Quote(clause.id, clause.title, passage) for passage in other.quotes]
    return parts


def _related(policy: Policy, result: SearchResult, clause: Clause) -> list[str]:
    also = {a.clause for a in result.also}
    related = [cid for cid in result.related if cid not in also]
    related += [r.clause for r in clause.references if r.clause and r.clause != clause.id]
    return [cid for cid in dict.fromkeys(related) if cid != clause.id and policy.clause(cid)]


def _clause_button(policy: Policy, clause_id: str) -> Button:
    return Button(f"{clause_id} {policy.clause(clause_id).title}", actions.SHOW_CLAUSE, clause_id)


def _feedback_buttons(answer_ref: str, *, share: bool = True) -> tuple[Button, ...]:
    buttons = (
        Button(strings.BUTTON_HELPFUL, actions.FEEDBACK_UP, answer_ref),
        Button(strings.BUTTON_NOT_HELPFUL, actions.FEEDBACK_DOWN, answer_ref),
    )
    return (
        (Button(strings.BUTTON_SHARE, actions.SHARE_ANSWER, answer_ref),) if share else ()
    ) + buttons
