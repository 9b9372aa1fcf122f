"""Strip the chat around a question: greetings, apologies, self-introductions and sign-offs.

Staff open a message the way they would with a colleague ("hey, sorry to bug you — I'm a para
at the middle school and I was wondering…") and close it with thanks. None of that says which
clause applies, yet it shifts what the ranker sees (and hides the question's opening word, an
intent feature). The patterns below describe the general shapes of chat, not particular
messages; training texts and queries go through the same function. When nothing would be left,
the text is kept whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

_END = r"(?:\s*[,.!:;?\u2014\u2013]+\s*|\s+-+\s+|\s+)"  # what closes a stripped segment
_PUNCT_END = r"(?:\s*[,.!:;\u2014\u2013]+\s*|\s+-+\s+)"  # the same, punctuation required
_ADDRESS = r"(?:there|all|everyone|everybody|team|folks|guys|y'?all|friend|bot|edc|policy\s?bot)"
_GREETING = (
    r"(?:hi+|hey+|hello+|hiya|howdy|yo|greetings|dear\s+\w+|good\s+(?:morning|afternoon|evening"
    rf"|day)|morning|afternoon|evening)(?:\s+{_ADDRESS})*"
)
_APOLOGY = (
    r"(?:(?:so\s+)?sorry|apologies|pardon(?:\s+me)?|excuse\s+me)(?:\s+(?:to|for|i'?m))?"
    r"(?:\s+(?:bother|bugg?|pester|interrupt|ask)\w*)?(?:\s+(?:you|y'?all))?(?:\s+again)?"
    r"(?:\s+(?:with\s+this|if\s+[^,.!:;?\u2014\u2013]{0,50}))?(?:\s+but)?"
)
_WELLWISH = r"(?:hope|hoping)\s+(?:you|your|all|everyone)[^,.!:;?\u2014\u2013]{0,30}"
_FILLER = r"(?:so+|um+|uh+|alright|anyway|hmm+|oh|ah|ok(?:ay)?(?=\s+so\b))"
_SOFT_FILLER = (
    r"(?:ok(?:ay)?|well|right|yeah|and|also|one\s+more|another\s+one|next)"  # need punctuation
)
_ADJ = r"(?:quick|random|silly|dumb|stupid|weird|odd|basic|small|simple|short|general|fast)"
_QUESTION = (
    rf"(?:(?:i\s+(?:have|got)|i'?ve\s+got|got|here'?s|one\s+more|another|a)\s+)?(?:an?\s+)?"
    rf"(?:(?:{_ADJ}|maybe)\s+)*(?:question|q|qq|query|one|thing)(?:\s+(?:maybe|here|for\s+you"
    rf"|for\s+ya))*(?:\s+from\s+[^,.!:;?\u2014\u2013]{{0,60}}"
    rf"{_PUNCT_END})?(?:\s+but\b)?"
)
_WONDER = (
    r"(?:i\s+(?:was|am|'?m)\s+|i'?m\s+|was\s+|just\s+|i\s+)*(?:just\s+)?"
    r"(?:wondering|curious|confused|unsure|not\s+sure)(?:\s+(?:if|whether|about))?"
)
_ASK = (
    r"(?:(?:can|could|would)\s+you\s+(?:please\s+)?(?:help(?:\s+me)?|tell\s+me|let\s+me\s+know"
    r"|clarify|explain|check)|i\s+(?:wanted|want|need|needed|would\s+like|'?d\s+like)\s+to\s+"
    r"(?:ask|know|check|find\s+out|confirm)|(?:just\s+)?(?:checking|asking)|do\s+you\s+know"
    r"|quick\s+check)(?:\s+(?:something|a\s+thing))?(?:\s+(?:if|whether|about))?"
)
_ROLE_INTRO = (
    r"(?:(?:i'?m|i\s+am)\s+(?:a|an|the|one\s+of|part\s+of)\b|this\s+is\b"
    r"|i\s+(?:work|teach|coach|drive|sub)\b)"
    r"(?:(?:mr|mrs|ms|dr)\.|[^,.!:;?\u2014\u2013]){1,45}?(?:\s+here)?"
    r"(?:\s+and\b(?:\s+so\b)?|\s+so\b|\s*[,.!:;\u2014\u2013]"
    r"|\s+-+)\s*(?=\S)"
)
_NEWCOMER = (
    r"(?:new|first[\s-]year|long[\s-]term|brand\s+new|just\s+started\s+as\s+an?)\s+"
    r"[a-z0-9'\-]+(?:\s+[a-z0-9'\-]+){0,3}?(?:\s+here)?"
)
_NAME_HERE = r"(?:[a-z.'\-]+\s+){1,4}here(?:\s+again)?"
_OPENERS = [
    rf"{_GREETING}{_END}",
    rf"{_APOLOGY}{_END}",
    rf"{_WELLWISH}{_PUNCT_END}",
    rf"{_FILLER}(?:{_PUNCT_END}|\s+)",
    rf"{_SOFT_FILLER}{_PUNCT_END}",
    rf"{_NEWCOMER}{_PUNCT_END}",
    rf"{_QUESTION}{_PUNCT_END}",
    rf"{_QUESTION}\s+(?=(?:can|may|is|are|do|does|should|would|could|will|what|when|who|how"
    r"|where|if|am)\b)",
    rf"{_WONDER}{_END}",
    rf"{_ASK}{_END}",
    rf"{_NAME_HERE}{_PUNCT_END}",
    _ROLE_INTRO,
]
_OPENING = re.compile("|".join(f"(?:{p})" for p in _OPENERS), re.IGNORECASE)
_THANKS = (
    r"(?:thanks|thank\s+you|thx|ty|tia|cheers|much\s+appreciated|appreciate\s+(?:it|you|this"
    r"|the\s+help)|lol|haha+|lmao|please|pls|plz)"
)
_CLOSING = re.compile(
    rf"(?:[\s,.!]*(?<![a-z0-9']){_THANKS}(?:\s+(?:so|very)\s+much|\s+a\s+(?:lot|ton|bunch)|\s+in\s+advance"
    r"|\s+for\s+(?:the|your)\s+help|\s+all|\s+again)*)*[\s.!:)(;\-~\u2600-\U0001faff]*$",
    re.IGNORECASE,
)
_MIN_LEFT = 2  # words: what is left must still be a question, not a fragment


@lru_cache(maxsize=4096)
def strip_chatter(text: str) -> str:
    """The text without a leading greeting, apology, self-introduction or filler, and without
    trailing thanks; the text itself when stripping would leave almost nothing."""
    start = 0
    while True:
        m = _OPENING.match(text, start)
        if not m or m.end() == start:
            break
        if len(text[m.end() :].split()) < _MIN_LEFT:
            break
        start = m.end()
    rest = text[start:]
    end = _CLOSING.search(rest)
    if end and end.start() > 0 and len(rest[: end.start()].split()) >= _MIN_LEFT:
        rest = rest[: end.start()]
    return rest if rest.strip() else text
