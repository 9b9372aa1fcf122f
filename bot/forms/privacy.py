"""Does an answer look like it holds personal details? Simple rules a principal can check.

The privacy reminder is shown once per report; after that it comes back only when an answer
looks like it holds one of these, so staff who already use initials are not nagged:

- a phone number: ten digits, optionally grouped ("508-555-0142", "(508) 555 0142");
- an email address;
- a street address: a house number, a word or two, and a street word ("12 Elm Street");
- a full name: a title and a capitalised word ("Mrs Patel"), or two capitalised words in a row
  that are not ordinary words at the start of a sentence, months, days or school terms
  ("Jane Doe", but not "The Parent" or "North Gate");
- a health detail: a word from a short medical list ("asthma", "medication", "hospital").

False alarms cost one extra sentence; the answer is always saved as typed.
"""

from __future__ import annotations

import re

_PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_STREET = (
    r"street|st|avenue|ave|road|rd|lane|ln|drive|dr|court|ct|boulevard|blvd|way|place|pl|"
    r"circle|cir|terrace|parkway|pkwy|highway|hwy|route"
)
_ADDRESS = re.compile(rf"\b\d{{1,5}}\s+(?:[A-Za-z]+\.?\s+){{1,3}}(?:{_STREET})\b\.?", re.IGNORECASE)
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+")
_CAPITALISED_PAIR = re.compile(
    r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b"
)
_NOT_NAMES = frozenset(
    [
        "i",
        "the",
        "a",
        "an",
        "my",
        "our",
        "his",
        "her",
        "their",
        "this",
        "that",
        "these",
        "those",
        "we",
        "he",
        "she",
        "they",
        "it",
        "on",
        "in",
        "at",
        "to",
        "and",
        "but",
        "or",
        "so",
        "then",
        "when",
        "after",
        "before",
        "because",
        "if",
        "while",
        "during",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "yesterday",
        "tonight",
        "school",
        "middle",
        "high",
        "elementary",
        "district",
        "office",
        "principal",
        "parent",
        "parents",
        "guardian",
        "student",
        "students",
        "teacher",
        "staff",
        "nurse",
        "north",
        "south",
        "east",
        "west",
        "gate",
        "field",
        "trip",
        "gym",
        "library",
        "room",
        "main",
        "front",
        "back",
        "please",
        "policy",
        "facebook",
        "instagram",
        "twitter",
        "snapchat",
        "tiktok",
        "google",
        "zoom",
        "teams",
        "slack",
        "grade",
        "class",
        "team",
        "bus",
        "cafeteria",
        "mom",
        "dad",
        "mother",
        "father",
        "ms",
        "mrs",
        "mr",
        "dr",
        *_STREET.split("|"),  # "Elm Street" is an address, not a name
    ]
)
_HEALTH = re.compile(
    r"\b(?:diagnos\w*|medication|medicine|meds|prescription|allerg\w*|asthma\w*|inhaler|"
    r"diabet\w*|insulin|seizure\w*|epilep\w*|pregnan\w*|suicid\w*|self[- ]harm|"
    r"depress\w*|anxiety|panic attack|adhd|autis\w*|therap\w*|psychiatr\w*|counsell?ing|"
    r"hospital\w*|emergency room|ambulance|injur\w*|concussion|fracture|mental health|"
    r"overdose|illness|disease|covid|surgery|blood)\b",
    re.IGNORECASE,
)


def findings(text: str) -> tuple[str, ...]:
    """Which kinds of personal detail `text` seems to hold: 'name', 'phone', 'email',
    'address', 'health' (in that order), or () for none."""
    text = text or ""
    found = []
    if _looks_like_name(text):
        found.append("name")
    if _PHONE.search(text):
        found.append("phone")
    if _EMAIL.search(text):
        found.append("email")
    if _ADDRESS.search(text):
        found.append("address")
    if _HEALTH.search(text):
        found.append("health")
    return tuple(found)


def _looks_like_name(text: str) -> bool:
    if _TITLED.search(text):
        return True
    for match in _CAPITALISED_PAIR.finditer(text):
        first, second = match.group(1).lower(), match.group(2).lower()
        if first not in _NOT_NAMES and second not in _NOT_NAMES:
            return True
    return False
