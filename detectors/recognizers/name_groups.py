"""Names recognised by their neighbours: dialogue speakers and lists of people.

A single unknown word ("Ubul", "Monjeau") is not a name on its own evidence. It becomes one
when it is in the same slot as names: a speaker label in a dialogue where the other
speakers are known given names, or an item of a list ("Monjeau, Graves and Reed") whose
other items are names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from detectors.findings import EntityType, Finding
from detectors.gazetteers import (
    common_word_names,
    first_names,
    last_names,
    read_word_list,
    regions,
)
from detectors.ner_rules import follows_eponym_noun
from detectors.recognizers.patterns import LETTER, RULES_DETECTOR

_NAME_CHAR = rf"(?:{LETTER}|['’\-])"
_ITEM_WORD = rf"{LETTER}{_NAME_CHAR}*"

# "Nicole: Remember me?" or 'Heather:"I'm ..."': one word at a line start (after any quote
# marks of an e-mail reply), a colon and then speech that starts with a letter or a quote.
_SPEAKER_LINE = re.compile(
    rf"^[ \t>]*(?P<value>{_ITEM_WORD})[ \t]*:[ \t]*(?=[\"“'‘]|{LETTER})",
    re.MULTILINE,
)
# Two or more single words, the last joined by "and", "or" or "&" ("Park and Mann",
# "silvana, adam, chad and caleb"). "Hi Anna, I'm" is no list.
_LIST = re.compile(
    rf"(?<![\w\-])(?P<value>(?:{_ITEM_WORD}\s*,\s*)*{_ITEM_WORD},?\s+(?:and|or|&)\s+{_ITEM_WORD})"
    rf"(?![\w\-])"
)
_ITEM = re.compile(_ITEM_WORD)
_CONJUNCTIONS = frozenset({"and", "or"})

# A dialogue has at least two speaker lines, and at least half of its speakers are known
# given names, so that the section headings of a note ("Plan: continue") never qualify.
_MIN_SPEAKER_LINES = 2


def speaker_names(text: str) -> list[Finding]:
    """Find the speaker labels of a dialogue written one speaker per line.

    Labels are capitalised words that are not everyday or clinical words, and given names
    in lower case. They are names when there are at least two of them and at least half
    are known given names.
    """
    labels = [match for match in _SPEAKER_LINE.finditer(text) if _is_speaker(match.group("value"))]
    known = [match for match in labels if _is_first_name(match.group("value"))]
    if len(labels) < _MIN_SPEAKER_LINES or 2 * len(known) < len(labels):
        return []
    return [_finding(*match.span("value")) for match in labels]


def names_in_lists(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """Find the other items of a list of single words in which some items are names.

    A list qualifies when no item is a region and an item is already a person finding, a
    capitalised item is a known name, or at least two items are known names. Unknown
    lower-case words and abbreviations may be at most half as many as the known names.
    Allow-list terms ("Graves") join a qualifying list but never make one qualify. A list
    followed by an eponym noun ("Graves and Hashimoto disease") never qualifies, and
    everyday words ("White") are never findings.
    """
    person_spans = [
        (finding.start, finding.end)
        for finding in findings
        if finding.entity_type is EntityType.PERSON
    ]
    found: list[Finding] = []
    for match in _LIST.finditer(text):
        if follows_eponym_noun(text, match.end("value")):
            continue
        items = [
            word
            for word in _ITEM.finditer(text, match.start("value"), match.end("value"))
            if word.group().lower() not in _CONJUNCTIONS
        ]
        if _is_name_list(items, person_spans):
            found.extend(_finding(*item.span()) for item in items if not _is_everyday(item.group()))
    return found


def _is_name_list(items: list[re.Match[str]], person_spans: list[tuple[int, int]]) -> bool:
    words = [item.group() for item in items if not _is_everyday(item.group())]
    if not words or any(word.lower() in regions() for word in words):
        return False
    evidence = [item for item in items if not _is_clinical(item.group())]
    seeded = any(
        span_start <= item.start() and item.end() <= span_end
        for item in evidence
        for span_start, span_end in person_spans
    )
    known = [item.group() for item in evidence if _is_known_name(item.group())]
    # A list may hold a few unknown lower-case names ("leonti") among many known ones.
    unknown = [word for word in words if not _fits_list(word)]
    if 2 * len(unknown) > len(known):
        return False
    capitalised_known = any(word[:1].isupper() for word in known)
    return seeded or capitalised_known or len(known) >= 2


def _is_everyday(word: str) -> bool:
    return word.lower() in common_word_names()


def _fits_list(word: str) -> bool:
    """Capitalised words and lower-case known names; abbreviations ("HTN", "F") only if known."""
    if len(word) < 2 or _is_everyday(word) or word.lower() in regions():
        return False
    if word.isupper() or word.islower():
        return _is_known_name(word)
    return word[:1].isupper()


def _is_speaker(word: str) -> bool:
    if _is_clinical(word) or word.lower() in common_word_names():
        return False
    return word[:1].isupper() or _is_first_name(word)


def _is_first_name(word: str) -> bool:
    return word.lower() in first_names()


def _is_known_name(word: str) -> bool:
    lowered = word.lower()
    return lowered in first_names() or lowered in last_names()


def _is_clinical(word: str) -> bool:
    return word.lower() in _allow_terms()


@cache
def _allow_terms() -> frozenset[str]:
    return frozenset(term.lower() for term in read_word_list("allow_terms.txt"))


def _finding(start: int, end: int) -> Finding:
    return Finding(EntityType.PERSON, start, end, 0.7, RULES_DETECTOR)
