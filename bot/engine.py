"""The core: one synchronous entry point, `Bot.handle(incoming) -> list[Reply]`, for every surface."""

from __future__ import annotations

import logging
from typing import Protocol

from bot import actions, strings
from bot.answers import answer_reply, clause_reply, decline_reply, toc_reply
from bot.commands import MAX_QUESTION_CHARS, Command, parse
from bot.forms.menu import help_lines
from bot.forms.registry import Forms, current_forms
from bot.incidents import log_incident
from bot.messages import Incoming, Reply, Text
from bot.recent_questions import MemoryQALog, QALog
from knowledge.bundle import Bundle, load_bundle
from knowledge.policy import Policy, load_policy
from knowledge.search import Index

log = logging.getLogger(__name__)


class Extension(Protocol):
    """A feature that may take a message before the Q&A does (the report dialogs)."""

    def handle(self, incoming: Incoming, command: Command) -> list[Reply] | None: ...


def help_text(
    forms: Forms | None = None, policy: Policy | None = None, bundle: Bundle | None = None
) -> str:
    """/edc help: the fixed wording, naming the served policy (default: the EDC bundle's), plus
    a line per form with a command."""
    bundle = bundle or load_bundle()
    policy = policy or load_policy(bundle.policy_file)
    return strings.HELP.format(
        policy_name=policy.name,
        policy_code=policy.code,
        example_clause=bundle.example_clause,
        form_lines="\n".join(help_lines(forms or current_forms())),
    )


class Bot:
    def __init__(self, *, index: Index, qa_log: QALog | None = None) -> None:
        self.index = index
        self.policy = index.policy
        self.bundle = index.bundle  # the policy's district rules (clause numbering, examples)
        self.qa_log = qa_log if qa_log is not None else MemoryQALog()
        self.extensions: list[Extension] = []
        self._awaiting_comment: dict[str, str] = {}  # user → answer ref after a 👎

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one message or action; never raises (errors become a polite reply)."""
        try:
            return self._handle(incoming)
        except Exception:
            incident = log_incident(log, "while handling %s", incoming.platform)
            return [error_reply(incident)]

    def _handle(self, incoming: Incoming) -> list[Reply]:
        command = parse(incoming.text) if incoming.action is None else Command("action")
        for extension in self.extensions:
            replies = extension.handle(incoming, command)
            if replies is not None:
                return replies
        if incoming.action is not None:
            return self._action(incoming)
        return self.respond(incoming, command)

    def respond(self, incoming: Incoming, command: Command) -> list[Reply]:
        """The Q&A commands; extensions call this for a policy question asked mid-dialog."""
        key = incoming.user.key
        if command.name == "question" and key in self._awaiting_comment:
            ref = self._awaiting_comment.pop(key)
            self.qa_log.feedback(ref, key, "comment", command.arg)
            return [_note(strings.FEEDBACK_THANKS)]
        self._awaiting_comment.pop(key, None)
        if command.name in ("empty", "help", "greeting"):
            return [self._help()]
        if command.name == "thanks":
            return [_note(strings.YOU_ARE_WELCOME)]
        if command.name == "policy":
            return [toc_reply(self.policy, self.bundle.example_clause)]
        if command.name == "clause":
            return [self._clause(command.arg)]
        if command.name == "why":
            return [self._why(key)]
        if command.name == "question":
            return self.answer(incoming, command)
        return [self._help()]

    def answer(self, incoming: Incoming, command: Command) -> list[Reply]:
        if not any(ch.isalnum() for ch in command.arg):
            return [_note(strings.NO_WORDS)]
        result = self.index.search(command.arg[:MAX_QUESTION_CHARS])
        ref = self.qa_log.record(incoming.user.key, result)
        reply = (answer_reply if result.answered else decline_reply)(
            self.policy, result, answer_ref=ref
        )
        replies = [reply]
        if command.truncated_from:
            replies.insert(
                0,
                _note(
                    strings.TOO_LONG.format(length=command.truncated_from, limit=MAX_QUESTION_CHARS)
                ),
            )
        return replies

    def _help(self) -> Reply:
        return Reply(
            (Text(help_text(policy=self.policy, bundle=self.bundle)),), kind="help", private=True
        )

    def _clause(self, requested: str) -> Reply:
        clause_id = self.bundle.clause_id(requested, self.policy.ids)
        clause = self.policy.clause(clause_id) if clause_id else None
        if clause is None:
            ids = ", ".join(self.policy.ids)
            return _note(strings.UNKNOWN_CLAUSE.format(requested=requested, ids=ids))
        return clause_reply(self.policy, clause)

    def _why(self, key: str) -> Reply:
        asked = self.qa_log.last(key)
        if asked is None:
            return _note(strings.WHY_NOTHING)
        r = asked.result
        if r.answered:
            clause = self.policy.clause(r.clauses[0])
            text = strings.WHY_ANSWERED.format(
                query=r.query,
                clause=clause.id,
                title=clause.title,
                terms=", ".join(f"‘{t}’" for t in r.why) or "—",
                confidence=r.confidence,
            )
        else:
            text = strings.WHY_DECLINED.format(
                query=r.query,
                confidence=r.confidence,
                clauses=", ".join(r.clauses) or "none",
                terms=", ".join(f"‘{t}’" for t in r.why) or "—",
            )
            if r.closest_unrelated:
                text += strings.WHY_DECLINED_UNRELATED.format(closest=r.closest_unrelated)
        return _note(text)

    def _action(self, incoming: Incoming) -> list[Reply]:
        action = incoming.action
        key = incoming.user.key
        if action.name == actions.SHOW_CLAUSE:
            return [self._clause(action.value)]
        if action.name == actions.SHARE_ANSWER:
            asked = self.qa_log.get(action.value)
            if asked is None or not asked.result.answered:
                return [_note(strings.SHARE_GONE)]
            reply = answer_reply(self.policy, asked.result, answer_ref=asked.ref, shared=True)
            return [reply]
        if action.name == actions.FEEDBACK_UP:
            self.qa_log.feedback(action.value, key, "up")
            return [_note(strings.FEEDBACK_THANKS)]
        if action.name == actions.FEEDBACK_DOWN:
            self.qa_log.feedback(action.value, key, "down")
            self._awaiting_comment[key] = action.value
            return [_note(strings.FEEDBACK_ASK)]
        return [self._help()]


def error_reply(incident: str) -> Reply:
    """What the user sees when something failed: a plain apology with the incident id that is
    in the log."""
    return Reply(
        (Text(strings.ERROR.format(incident=incident), "warning"),), kind="error", private=True
    )


def _note(text: str) -> Reply:
    return Reply((Text(text),), kind="note", private=True)
