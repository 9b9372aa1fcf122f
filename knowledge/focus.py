"""The question in a message that tells its story first.

"one of the moms stopped me at pickup and can I text her": the story's words (who, where,
when) seldom say which clause applies, yet they dilute the question's own (every feature block
is L2-normalised), so an in-scope question drifts towards "out of scope" and its opening word
("can": an intent token) is lost. The question starts where a word asks after the opening: an
auxiliary followed by its subject ("can I", "should we", "is it") or a wh-word followed by what
asks ("what happens", "how do"). Its word and character features are counted FOCUS_REPEAT
more times (knowledge/features.py); the story keeps its words once, so a topic it names ("A
parent friended me on Facebook. Should I accept?") still counts. Found on the folded word
sequence (the speller drops punctuation), so training, cross-validation and serving all see the
same features.
"""

from __future__ import annotations

from collections.abc import Sequence

FOCUS_REPEAT = 2  # grouped CV with held-out chat: 1 and 3 did less; the question alone, worse


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_AUXILIARIES = _set("can could should may might am is are do does did will would shall")
_WH = _set("what how when where why")  # not "who", "which": mostly relative pronouns
_SUBJECTS = _set(
    """i we you they he she it my our your their this that there a an the staff teachers
    teacher students student parents parent employees coaches someone anyone people kids"""
)
_WH_NEXT = _AUXILIARIES | _set("happens if about kind counts app apps")


def focus_start(seq: Sequence[str]) -> int:
    """Where the asking part of a folded word sequence starts; 0 when it starts the text (or
    nothing in it asks)."""
    if not seq or seq[0] in _AUXILIARIES or seq[0] in _WH:
        return 0
    for k in range(2, len(seq) - 1):
        word, after = seq[k], seq[k + 1]
        if (word in _AUXILIARIES and after in _SUBJECTS) or (word in _WH and after in _WH_NEXT):
            return k
    return 0
