"""Harder copies of an eval set: the same questions with a chatty opening, or with typos.

Both are deterministic (seeded), so two runs compare. The openings are how staff start a
message in chat; the typos are the slips of a thumb on a phone: two letters swapped, one
dropped, one doubled, or a neighbouring key.
"""

from __future__ import annotations

import random
from dataclasses import replace

from bench.evalset import EvalRow

SEED = 7
OPENINGS = (
    "Hi! quick question from a 2nd grade teacher — ",
    "hey, sorry to bother you, ",
    "Good morning! I'm a para at the middle school and I was wondering: ",
    "quick q: ",
    "Hello, coach here. ",
    "ok so random question but ",
    "Hi there, new sub this week, ",
    "hey bot, ",
    "Question from the front office — ",
    "I have a question about the social media rules. ",
)
CLOSINGS = ("", " thanks!", " ty", "", " Thank you in advance.", " 🙏")
_NEIGHBOURS = {
    "a": "qs",
    "e": "wr",
    "i": "uo",
    "o": "ip",
    "n": "bm",
    "s": "ad",
    "t": "ry",
    "r": "et",
    "l": "k",
    "c": "xv",
}


def chatty(rows: list[EvalRow], openings=OPENINGS, closings=CLOSINGS) -> list[EvalRow]:
    rng = random.Random(SEED)
    out = []
    for row in rows:
        question = row.q[0].lower() + row.q[1:] if row.q[:2] != "I " else row.q
        text = rng.choice(openings) + question + rng.choice(closings)
        out.append(replace(row, q=text))
    return out


def typos(rows: list[EvalRow]) -> list[EvalRow]:
    """One slip in every question with a word of five letters or more; two in longer ones."""
    rng = random.Random(SEED)
    out = []
    for row in rows:
        words = row.q.split(" ")
        long = [n for n, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        for n in rng.sample(long, min(len(long), 1 + (len(long) >= 6))):
            words[n] = _slip(words[n], rng)
        out.append(replace(row, q=" ".join(words)))
    return out


def _slip(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    near = _NEIGHBOURS.get(word[i].lower())
    return word[:i] + (rng.choice(near) if near else word[i]) + word[i + 1 :]
