"""Strip the chat around a question: greetings, apologies, self-introductions and sign-offs.

Staff open a message the way they would with a colleague ("hey, sorry to bug you — I'm a para
at the middle school and I was wondering…") and close it with thanks. None of that says which
clause applies, yet it shifts what the ranker sees (and hides the question's opening word, an
intent feature). Two kinds of rule, both about the general shapes of chat, not particular
messages:

- patterns for the fixed shapes (greetings, "sorry to bug you", "quick q:", "just wondering if",
  "I'm a coach at the middle school and", trailing thanks);
- a vocabulary rule for everything else: a leading (or trailing) segment — up to a comma, colon,
  dash or full stop, or ending in "here" ("2nd grade teacher here") — is chat when every word
  of it is a chat word (roles, school places, greetings, hedges, names) and one of them is a
  marker (a role, a greeting, a hedge). A segment with a topic word ("Facebook", "photos",
  "student") or that asks something ("…and is there a meeting") is never chat, and a segment
  ending in "?" only for a few set phrases ("got a sec?"). A lead-in may hold one word the
  lists lack ("something came up in class today:") unless it says what it is about.
- a lead-in about the policy itself ("I have a question about the social media policy.",
  "per the EDC guidelines,"): it names no clause; one naming another policy or topic ("the
  dress code policy") is content and stays;
- a story before the question — who asked whom, where and when ("my co-teacher brought this
  up during planning and", "At the staff meeting yesterday,", "the librarian was asking me
  whether") — judged by the same vocabulary rule with story words allowed, one of them a
  story marker ("asked", "debating", "context"); never the people the policy is about
  (parents, students, kids): a story naming them may say who the question is about. After the
  question (or the thanks), a remark of the same kind ("my prep is almost over") and a mail
  signature ("— Sent from my iPhone") go too.

Training texts and queries go through the same function; tests/chatter_phrases.py is the chat
it is tested with. When nothing would be left, the text is kept whole. No pattern can read the
same words two ways (bounded repeats, segment bodies that cannot hold their delimiter), at most
_MAX_PIECES pieces go at either end and sign-offs are looked for in the last _WINDOW characters,
so hostile input costs no more than a long question.
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
_FILLER = r"(?:so+|um+|uh+|but|alright|anyway|hmm+|oh|ah|ok(?:ay)?(?=\s+so\b))"
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
    r"(?:i'?m\s+|(?:i|was|am|just)\s+)*"  # one way only to read each word: no backtracking
    r"(?:wondering|curious|confused|unsure|not\s+sure)(?:\s+(?:if|whether|about))?"
)
_ASK = (
    r"(?:asking\s+for\s+a\s+(?:friend|colleague|coworker|co-worker)(?:\s+lol)?"
    r"|(?:my\s+[\w']+\s+)?asked\s+me\s+to\s+(?:check|ask|find\s+out|confirm)"
    r"|(?:just\s+)?to\s+(?:be\s+(?:safe|sure)|double[\s-]?check|confirm)"
    r"|following\s+up(?:\s+on\s+(?:something|this|that|my\s+(?:last\s+)?question))?"
    r"|(?:can|could|would)\s+you\s+(?:please\s+)?(?:help(?:\s+me)?|tell\s+me|let\s+me\s+know"
    r"|clarify|explain|check)|i\s+(?:wanted|want|need|needed|would\s+like|'?d\s+like)\s+to\s+"
    r"(?:ask|know|check|find\s+out|confirm)|(?:just\s+)?(?:checking|asking)|do\s+you\s+know"
    r"|quick\s+check)(?:\s+(?:something|a\s+thing))?(?:\s+(?:if|whether|about))?"
)
# Chat that ends in a question mark of its own: only these set phrases.
_ASIDE = (
    r"(?:(?:can|may|could)\s+i\s+ask(?:\s+you)?(?:\s+(?:something|a\s+(?:quick\s+)?question))?"
    r"|(?:you\s+)?got\s+a\s+(?:sec|second|min|minute)|do\s+you\s+have\s+a\s+(?:sec|second|min"
    r"|minute|moment)|(?:can|could)\s+you\s+help(?:\s+me)?(?:\s+out)?|(?:anyone|anybody|you)\s+(?:there|around|free)|how\s+are\s+(?:you|things)"
    r"(?:\s+doing)?|how'?s\s+it\s+going|what'?s\s+up|sup)\s*\?+\s*"
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
# "the social media policy", "our EDC guidelines", "this policy": the policy itself, named
# generically. A policy named by another topic ("the dress code policy") is content.
_POLICY_REF = (
    r"(?:(?:the|our|this|that|these|those|your|my)\s+)?(?:(?:district'?s?|school'?s?|staff"
    r"|new|updated|current|official|whole)\s+){0,3}(?:(?:social\s+(?:media|networking|networks?)"
    r"|sm|edc'?s?|online|internet|acceptable\s+use)\s+)?(?:polic(?:y|ies)|rules?|guidelines?"
    r"|regs|regulations|handbook)"
)
_POLICY_LEAD = (
    r"(?:(?:(?:i\s+(?:have|had|got)|i'?ve\s+got|got|here'?s|one\s+more|another|just)\s+)?"
    r"(?:an?\s+)?(?:(?:quick|random|silly|dumb|small|simple|short|general|little|maybe)\s+)*"
    r"(?:question|q|qq|query|thing|clarification)s?\s+(?:about|on|re:?|regarding|concerning|for"
    r"|with)|re:?|about|regarding|concerning|according\s+to|per|under"
    r"|i\s+(?:was|am|'?m|have\s+been|'?ve\s+been)\s+(?:just\s+)?(?:reading|re-?reading"
    r"|looking\s+(?:at|over|through)|going\s+(?:over|through)|checking)(?:\s+(?:through|over))?)?"
    rf"\s*{_POLICY_REF}(?:\s+again|\s+(?:question|q|qq|query)s?)?(?:{_PUNCT_END}|\s+(?:and|but|so)\s+|\s+(?=(?:can|may|do"
    r"|does|should|would|could|will|am)\s+(?:i|we|you|staff|teachers|employees)\b|(?:is|are)\s+"
    r"(?:it|there|we|i)\b|(?:what|when|who|how|where|if)\b))"
)
_NAME_HERE = r"(?:[a-z.'\-]+\s+){1,4}here(?:\s+again)?"
# A greeting with no punctuation after it is still chat ("hi can I…"), except where the word is
# part of a term: "hello world program", "hi res photos" (folded from "hi-res").
_NOT_A_GREETING = r"(?!(?:world|res|def|fi|five|tech|vis|viz|lo|hat|ho)\b)"
_OPENERS = [
    rf"{_GREETING}{_PUNCT_END}",
    rf"{_GREETING}(?:\s+(?:mr|mrs|ms|dr|coach|miss)\.?)?\s+[\w'\-]{{1,20}}{_PUNCT_END}",  # "hi sarah!"
    rf"{_GREETING}\s+{_NOT_A_GREETING}",
    r"(?:yo+|heyo+|sup)\s+",  # never the first word of a question
    rf"{_APOLOGY}{_END}",
    rf"{_WELLWISH}{_PUNCT_END}",
    rf"{_FILLER}(?:{_PUNCT_END}|\s+)",
    rf"{_SOFT_FILLER}{_PUNCT_END}",
    rf"{_NEWCOMER}{_PUNCT_END}",
    rf"{_QUESTION}{_PUNCT_END}",
    rf"(?:{_ADJ}\s+)+(?:question|q|qq)\s+(?!(?:about|on|re|regarding)\b)",
    rf"{_QUESTION}\s+(?=(?:can|may|is|are|do|does|should|would|could|will|what|when|who|how"
    r"|where|if|am)\b)",
    r"not\s+(?:totally\s+|really\s+|quite\s+)?sure\s+(?:who|where)(?:\s+else)?\s+to\s+(?:ask|go|turn)"
    rf"(?:\s+so\b)?{_END}",
    rf"{_WONDER}{_END}",
    _ASIDE,
    rf"{_ASK}{_END}",
    rf"{_NAME_HERE}{_PUNCT_END}",
    _ROLE_INTRO,
    _POLICY_LEAD,
]
_OPENING = re.compile("|".join(f"(?:{p})" for p in _OPENERS), re.IGNORECASE)

# Emoji, Slack emoji codes (":wave:"), smileys and stray punctuation between chat and question.
_EMOJI = r"[\u2190-\u21ff\u2300-\u2bff\u2600-\u27bf\ufe0f\u200d\U0001f000-\U0001faff]"
_SMILEY = r"(?::[a-z0-9_+\-]{1,30}:|[:;=]-?[()dp3](?![\w])|<3|\^\^|xd\b)"
_JUNK = re.compile(rf"(?:\s|{_EMOJI}|{_SMILEY}|[,.!:;~*)\u2014\u2013\-])+", re.IGNORECASE)
_TRAILING_JUNK = re.compile(
    rf"(?:\s|{_EMOJI}|{_SMILEY}|[,.!:;~*()\u2014\u2013\-])+$", re.IGNORECASE
)

# A leading segment: up to a delimiter its body cannot contain (so matching is linear).
_SEGMENT = re.compile(
    r"\(?((?:(?:mr|mrs|ms|dr|st)\.|[^,.!?:;()\n\u2014\u2013]){1,120}?)"
    rf"(\)[\s,.!:;\u2014\u2013]*|[,.!:;\n\u2014\u2013]+|\s+-+\s|\s*{_EMOJI}+|\s*$)",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(r"\s*[:\u2014\u2013-]")  # "…came up today:", "weird situation —"
# "it's dana from transportation", "i'm the new para in room 12": a name the lists lack
_SELF_INTRO = re.compile(r"\s*(?:it'?s|this\s+is|i'?m|im|i\s+am)\b", re.IGNORECASE)
_ENDS_HERE = re.compile(r"\bhere\s*$", re.IGNORECASE)  # "art teacher at lincoln elementary here"
_HERE = re.compile(r"((?:[\w'.]+\s+){1,8}?here)\b(?:\s+(?:and|so|but)\b)?\s*", re.IGNORECASE)
_INTRO_AND = re.compile(
    r"((?:i'?m|im|i\s+am|this\s+is|as\s+an?|speaking\s+as\s+an?|i\s+(?:work|teach|coach|drive"
    r"|sub))\b(?:\s+[\w'.]+){1,10}?\s+(?:and|so|but))\b\s*",
    re.IGNORECASE,
)
_HEDGE_BUT = re.compile(r"((?:[\w'.]+\s+){1,10}?(?:but|so))\b\s*", re.IGNORECASE)
# A narrative lead-in: "one of the moms stopped me at pickup and", "the kids in my homeroom keep
# asking me", "our team was debating this at lunch:" — who asked whom, where and when.
_NARRATIVE_AND = re.compile(r"((?:[\w'.\-]+\s+){2,20}?(?:and|so|but))\b\s*", re.IGNORECASE)
_REPORTED = re.compile(
    r"((?:[\w'.\-]+\s+){0,16}?(?:asked|asks|asking|ask|wondering|wondered|wanted\s+to\s+know"
    r"|wants?\s+to\s+know|to\s+find\s+out|to\s+(?:double[\s-]?)?check|to\s+look\s+into\s+this)"
    r"(?:\s+(?:me|us|you|him|her|them|around))?(?:\s+(?:today|again|too|also|this|lately))?)"
    r"(?:\s+(?:if|whether)\s+(?=(?:i|we|you|he|she|they|it|my|our|the|a|an|staff|teachers|there"
    r"|this|that)\b)|\s*(?=[:,\-\u2014\u2013]|(?:can|could|may|should|is|are|am|do|does|did|will"
    r"|would|what|when|where|who|why|which|how|i)\b))",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w']+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)?|[a-z]")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ROLES = _set(
    """teacher teachers para paras paraprofessional paraeducator aide aides assistant coach
    coaches sub subs substitute subbing nurse counselor counsellor principal ap vp secretary
    librarian custodian custodians janitor bus driver drivers admin administrator tech techs
    technician specialist psychologist psych worker slp ot pt therapist interventionist
    cafeteria staffer employee volunteer intern coordinator director clerk receptionist
    registrar monitor advisor adviser sponsor instructor educator faculty dean bookkeeper manager
    maintenance security sro officer tutor mentor trainer librarians nurses counselors
    paraeducators hire sped esl ell slp"""
)
_GREETINGS = _set(
    """hi hii hiii hey heya heyy heyyy hello howdy hiya yo greetings morning afternoon evening gm
    dear happy monday tuesday wednesday thursday friday weekend"""
)
_HEDGES = _set(
    """sorry apologies bother bug bugging question questions q qq quick random silly dumb stupid
    weird odd obvious scenario situation wondering curious sure unsure confused help advice
    guidance asking ask check sanity colleague friend came nervous channel place pardon
    interruption excuse clarify again overthinking debating
    figure trying told ping forgive office dept department transportation"""
)
_THANKS = _set(
    """thanks thank thx ty tia tysm appreciate appreciated cheers lmk know best regards
    sincerely rush worries chance sense day gracias rock lol haha"""
)
_CHAT_WORDS = (
    _ROLES
    | _GREETINGS
    | _HEDGES
    | _THANKS
    | _set(
        """as speaking a an the i i'm im me my our we us you you're your y'all yall all everyone
        everybody team folks guys friends there bot edc policybot this that is it it's was be
        been am here of at from in and but so or to for with just also new first year long term
        brand fellow retired current former part time full veteran still now currently one
        another more real really super kind kinda bit something thing things anything some any
        need needed want wanted know find out confirm clarify double ask asking asked wondering
        looking if not else right place might may could probably possibly feel feeling incoming
        up today yesterday lunch meeting staff pd last week earlier before do does again hope
        hoping well doing great good going having are ok okay um uh hmm alright anyway oh ah got
        have had sec minute moment ya following regarding re quick school schools elementary
        middle high hs ms es jr junior senior campus building room rm site library office front
        central dept department transportation food service special ed education grade graders
        grader kindergarten kinder prek preschool k math science english ela history spanish art
        music band choir orchestra pe gym reading literacy athletic athletics jv varsity
        football soccer basketball volleyball baseball softball track swim cheer debate robotics
        club yearbook theater drama mrs mr dr miss coach nurse's speech resource case title
        student head lead life skills makes make let no whenever get please totally group answer
        much very lot ton bunch million many advance ps boss supervisor coworker co worker
        principal's"""
    )
)
# Narrative: what a lead-in tells of who asked whom, where and when. Markers say it is a story
# ("asked", "talking", "debating"); the rest only may appear in one. Never a word of the policy's
# topics (posting, texting, email, photos, accounts): a lead-in with one is content.
_NARRATIVE_MARKERS = _set(
    """asked asks asking wondered wondering talking talked chatting chatted discussing discussed
    debating debated debate arguing argued disagree disagreed agree brought came stopped said
    told mentioned suggested wanted heard realized noticed curious conversation discussion
    background context backstory fyi behalf"""
)
_NARRATIVE = _NARRATIVE_MARKERS | _set(
    """colleague colleagues coworkers co-workers co-teacher partner partners people someone
    somebody nobody anyone person member members chair president superintendent pta pto class
    classes whole lunch recess duty pickup dropoff drop off hallway hall wing workroom lounge
    playground period prep planning homeroom advisory tonight night week month semester
    quarter conference conferences announcements plc orientation assembly dismissal arrival
    bell break keep keeps kept still never always time times lot couple few two three four five
    several other others down going back forth into over same idea while during after since
    when because though honestly basically actually recently lately earlier were has being did
    go goes went come comes think thought see saw hear they them their he she his her him who
    which whom started starts start classroom level next coming on teaching taught years didn't
    couldn't don't wasn't weren't waiting wait busy running late hurry about instructional run
    runs knew been almost nearly soon starting"""
)
# A segment that starts like a question is the question ("who is the nurse at the school,").
_ASKING = _set(
    """can could may is are am do does did should would will shall what when where who
    why which how whose"""
)
_ASKS = re.compile(  # ... or asks one inside: "... and is there a meeting"
    r"(?<!this\s)(?<!that\s)(?<!\bit\s)\b(?:can|could|should|would|will|may|is|are|am|do|does|did)\s+(?:i|we|you|there|it|that"
    r"|they|he|she|my|a|the|staff|teachers?)\b",
    re.IGNORECASE,
)
_ABOUT = frozenset(["about", "re", "regarding", "on", "with", "concerning"])
_MARKERS = _ROLES | _GREETINGS | _HEDGES | _THANKS | frozenset(["here"])
# Capitalised words in a chat segment are names ("Hi Sarah", "from Lincoln Elementary"); these
# are topics, never names.
_TOPICS = _set(
    """facebook instagram insta twitter tiktok snapchat snap youtube linkedin google gmail
    remind classdojo dojo discord whatsapp pinterest reddit threads zoom outlook
    seesaw"""
)


_SETTING = frozenset(["at", "during", "after", "before", "since", "over"])  # "At our PLC,"


def _is_chat(
    segment: str,
    *,
    thanks: bool = False,
    lead_in: bool = False,
    narrative: bool = False,
    unmarked: bool = False,
) -> bool:
    """Every word a chat word or a name, and at least one a marker (a role, greeting, hedge —
    or, for a closing, thanks). A lead-in ("…came up in class today:") may have one word
    the lists lack, unless it says what the question is about."""
    words = _WORD.findall(segment)
    if not words or len(words) > 16 or words[0].lower() in _ASKING or _ASKS.search(segment):
        return False
    unknown = (
        1
        if lead_in
        and len(words) <= 10
        and len(words) >= 3
        and not _ABOUT.intersection(w.lower() for w in words)
        else 0
    )
    marked = False
    for i, word in enumerate(words):
        low = word.lower().removesuffix("'s").removesuffix("'")
        if low == "student" and words[i + 1 : i + 2] == ["teacher"]:
            continue  # "student teacher here": a role; "student" alone is a topic
        if low in _TOPICS:
            return False
        if low in (_THANKS if thanks else _MARKERS) or narrative and low in _NARRATIVE_MARKERS:
            marked = True
        if narrative and i == 0 and low in _SETTING:
            marked = True
        if low in _CHAT_WORDS or _ORDINAL.fullmatch(low) or narrative and low in _NARRATIVE:
            continue
        if i and word[0].isupper() and (len(word) == 1 or not word.isupper()):
            continue  # a name ("Hi Sarah", "Ms. Lopez", "Lincoln Elementary"), not a SHOUT
        if unknown and word.isalpha():
            unknown -= 1
            continue
        return False
    return marked or unmarked


def _opening_end(text: str, start: int) -> int:
    """Where the question starts: after every leading piece of chat."""
    for _ in range(_MAX_PIECES):
        junk = _JUNK.match(text, start)
        pos = junk.end() if junk else start
        end = _one_opening(text, pos)
        if end is None:
            return pos if pos != start and len(text[pos:].split()) >= _MIN_LEFT else start
        if len(text[end:].split()) < _MIN_LEFT:
            return start
        start = end
    return start


def _one_opening(text: str, pos: int) -> int | None:
    """The end of one piece of chat at `pos`: a whole chat segment first, then the patterns."""
    m = _SEGMENT.match(text, pos)
    if m and m.end() < len(text):
        segment = m.group(1)
        lead_in = bool(
            _LEAD_IN.match(m.group(2)) or _ENDS_HERE.search(segment) or _SELF_INTRO.match(segment)
        )
        if _is_chat(segment, lead_in=lead_in, narrative=True):
            return m.end()
    for soft in (_HERE, _INTRO_AND, _HEDGE_BUT):
        m = soft.match(text, pos)
        if m and _is_chat(m.group(1), lead_in=soft is _HERE):
            return m.end()
    for soft in (_REPORTED, _NARRATIVE_AND):
        m = soft.match(text, pos)
        if m and _is_chat(m.group(1), narrative=True):
            return m.end()
    m = _OPENING.match(text, pos)
    if m and m.end() > pos:
        return m.end()
    return None


_THANKS_PATTERN = (
    r"(?:thanks|thank\s+(?:you|u)|thx|ty|tia|tysm|cheers|gracias|much\s+appreciated|many\s+thanks"
    r"|appreciate\s+(?:it|you|this|the\s+help|any\s+(?:help|advice|input|thoughts|guidance"
    r"|insight)(?:\s+(?:with|on)\s+(?:this|that|it))?)|lol|haha+|lmao|please|pls|plz|lmk|let\s+me\s+know"
    r"|no\s+rush(?:\s+at\s+all)?|no\s+worries(?:\s+if\s+not)?|you\s+rock"
    r"|you'?re\s+(?:a|the|my)\s+(?:best|lifesaver|star|hero|rockstar)|let\s+me\s+know\s+what\s+you\s+think"
    r"|have\s+a\s+(?:great|good|nice|wonderful)\s+(?:day|one|weekend|week)"
    r"|whenever\s+you\s+(?:get\s+a\s+chance|can)|(?:hope|if)\s+that\s+makes\s+sense"
    r"|sorry\s+if\s+(?:this|that)\s+(?:was|has\s+been|is)\s+(?:asked|answered|obvious|dumb)"
    r"(?:\s+(?:before|already))?"
    r"|any\s+(?:help|advice|input|thoughts|guidance)(?:\s+(?:is|would\s+be))?\s+(?:much\s+|greatly\s+)?"
    r"(?:appreciated|welcome))"
)
_CLOSING = re.compile(
    rf"(?:[\s,.!]*(?<![a-z0-9']){_THANKS_PATTERN}(?:\s+(?:so|very)\s+much|\s+a\s+(?:lot|ton|bunch"
    r"|million)|\s+in\s+advance|\s+for\s+(?:the|your)\s+help|\s+all|\s+again"
    r"|\s+and)*)*[\s.!:)(;\-~\u2600-\U0001faff]*$",
    re.IGNORECASE,
)
_VALEDICTION = re.compile(
    r"[\s,.!]*\b(?:best(?:\s+regards)?|regards|sincerely|warmly|cheers|thanks|thx|ty)[\s,.!]*$",
    re.IGNORECASE,
)
# The last segment of a message: after its last delimiter.
_LAST_SEGMENT = re.compile(r"(?:[,.!?:;\n\u2014\u2013~]|\s-+)\s*([^,.!?:;\n\u2014\u2013~]{1,80})$")
_SIGNATURE = re.compile(
    r"(?:\s*(?:[,.!\n]|\s[-~\u2014\u2013]|^[-~\u2014\u2013])\s*(?:[-~\u2014\u2013]\s*)?"
    r"(?:(?:mr|mrs|ms|dr|coach|miss)\.?\s+)?[A-Z][\w.']{0,20}(?:\s+[A-Z][\w.']{0,20})?)$"
    r"|\s[-~\u2014\u2013]\s*(?:(?:mr|mrs|ms|dr|coach|miss)\.?\s+)?[a-z]{1,12}$"  # "- sarah"
)
_THANKS_NAME = re.compile(  # "thanks, sarah", "best, coach r"
    r"[\s,.!]*\b(?:thanks|thank\s+you|thx|ty|cheers|best(?:\s+regards)?|regards|sincerely)"
    r"[\s,.!\-~]+(?:(?:mr|mrs|ms|dr|coach|miss)\.?\s+)?[a-z]{1,12}$",
    re.IGNORECASE,
)
_SENT_FROM = re.compile(  # "— sent from my iPhone": a mail or phone signature
    r"(?:(?<=[.!?])\s+|\s*[\n\u2014\u2013~]\s*|\s+-+\s*)sent\s+from\s+my\s+[\w\-]+"
    r"(?:\s+[\w\-]+){0,2}[\s.!]*$",
    re.IGNORECASE,
)
_ASKED_OR_THANKED = re.compile(
    r"(?:\?|\b(?:thanks|thank\s+you|thx|ty|tia|lmk|let\s+me\s+know|in\s+advance|appreciated?)"
    r")[\s,.!:;\-\u2014\u2013~]*$",
    re.IGNORECASE,
)
_MIN_LEFT = 2  # words: what is left must still be a question, not a fragment
_MAX_PIECES = 16  # pieces of chat stripped at either end: real chat has a handful
_WINDOW = 200  # characters at the end searched for a sign-off


def _closing_start(rest: str) -> int:
    """Where the trailing chat (thanks, sign-off, name) starts; len(rest) when there is none.
    Only the last _WINDOW characters are searched: a sign-off is short, and the cost stays flat
    however long the text."""
    end = len(rest)
    for _ in range(_MAX_PIECES):
        base = max(0, end - _WINDOW)
        cut = base + _one_closing(rest[base:end])
        if cut == end or len(rest[:cut].split()) < _MIN_LEFT:
            break
        end = cut
    return end


def _one_closing(text: str) -> int:
    """Where the last piece of chat at the end of `text` starts; len(text) when there is none."""
    junk = _TRAILING_JUNK.search(text)
    cut = junk.start() if junk else len(text)
    c = _CLOSING.search(text, 0, cut)
    if c and c.start() < cut:
        return c.start()
    signed = _THANKS_NAME.search(text, 0, cut)
    if signed:
        return signed.start()
    sent = _SENT_FROM.search(text, 0, cut)
    if sent:
        return sent.start()
    m = _LAST_SEGMENT.search(text, 0, cut)
    if m and _is_chat(m.group(1), thanks=True):
        return m.start(1)
    # After the question or the thanks, a remark of who, where and when: "my class is waiting".
    if (
        m
        and _ASKED_OR_THANKED.search(text, 0, m.start(1))
        and _is_chat(m.group(1), narrative=True, unmarked=True)
    ):
        return m.start(1)
    sig = _SIGNATURE.search(text, 0, cut)
    if sig and _signed(text[: sig.start()], text[sig.start() : cut]):
        valediction = _VALEDICTION.search(text, 0, sig.start())
        return valediction.start() if valediction else sig.start()
    return cut


def _signed(before: str, signature: str) -> bool:
    """A name at the end is a signature when set off by a dash or tilde, or after thanks."""
    if re.match(r"\s*[-~\u2014\u2013]", signature):
        return signature.split()[-1].lower() not in _TOPICS
    return bool(_VALEDICTION.search(before))


@lru_cache(maxsize=4096)
def strip_chatter(text: str) -> str:
    """The text without a leading greeting, apology, self-introduction or filler, and without
    trailing thanks or a signature; the text itself when stripping would leave almost nothing."""
    start = _opening_end(text, 0)
    rest = text[start:]
    end = _closing_start(rest)
    rest = rest[:end]
    return rest if rest.strip() else text
