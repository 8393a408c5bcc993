"""Names of patients, relatives and clinicians in the forms clinical text writes them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS

from detectors.findings import EntityType, Finding
from detectors.gazetteers import (
    common_word_names,
    first_names,
    last_names,
    read_word_list,
    regions,
)
from detectors.name_cues import RELATION as _RELATION
from detectors.name_cues import TITLE as _TITLE
from detectors.name_cues import TITLE_ONLY
from detectors.ner_rules import follows_eponym_noun
from detectors.recognizers.patterns import LETTER, LOWER, RULES_DETECTOR, UPPER
from detectors.span_edges import (
    end_before_field_label,
    is_field_label,
    precedes_field_value,
    split_at_field_breaks,
)

# Names in every Latin, Greek and Cyrillic alphabet ("Guðmundsdóttir", "Šušulić", "Ольга").
_NAME_CHAR = rf"(?:{LETTER}|['’\-])"
_NAME_WORD = rf"{UPPER}{_NAME_CHAR}*{LOWER}{_NAME_CHAR}*"
_ANY_CASE_WORD = rf"{LETTER}{_NAME_CHAR}+"
_INITIAL = rf"{UPPER}\.?(?=[\s,;:)]|$)"
# A name in capitals, as headers write it ("CHIDI" of "OKONKWO-BAILEY, CHIDI").
_CAPITALS_WORD = rf"{UPPER}{{2,}}(?:['’\-]{UPPER}+)*(?![\w'’\-])"
_CREDENTIAL = (
    r"(?:MD|M\.D\.|DO|D\.O\.|RN|BSN|NP|PA-C|PA|PhD|DDS|DMD|PharmD|LPN|CNA|MSW|LCSW|CNM|CRNA|"
    r"FNP|FNP-BC|APRN|DPM|OD|DC|PT|DPT|OT|RD|MPH|FACS|FACP)"
)
_LABEL = (
    r"(?:patient|pt|name|patient name|full name|attending|attending physician|physician|"
    r"provider|surgeon|pcp|primary care physician|referring physician|referred by|signed|"
    r"signed by|electronically signed by|dictated by|transcribed by|cc|seen by|resident|"
    r"fellow|nurse|rn|np|emergency contact|contact|nok|next of kin|guardian|caregiver|"
    r"interpreter|witness|author|from|to|parent|mother|father|spouse|informant)"
)
_INTRODUCTION = r"(?:named|called|name is|names are|this is|i am|i'm|im|it's|known as|aka)"
# Phrases after which the next word is a name whatever its case ("call me višeslav").
_STRONG_INTRODUCTION = r"(?:my\s+name\s+is|(?:first|last|middle|maiden)\s+name\s+is|calls?\s+me)"
_GREETING = (
    r"(?:hi|hello|hey|dear|good morning|good afternoon|thanks|thank you|thx|regards|"
    r"sincerely|best|cheers|love|take care|warmly|respectfully)"
)

_TITLE_NAME = re.compile(
    rf"\b(?i:{_TITLE})\.?\s+(?P<value>{UPPER}\.(?=[\s,;:)]|$)|(?:{UPPER}\.\s*)?{_ANY_CASE_WORD}"
    rf"(?:\s+{_INITIAL})?(?:\s+{_NAME_WORD}){{0,2}})"
)
# A house number and street name right before "Dr.", which then means Drive.
_STREET_BEFORE = re.compile(r"\b\d{1,6}[ \t]+(?:[A-Z][\w'’\-]*[ \t]+){1,3}$")
_BEFORE_TITLE = re.compile(rf"\b(?i:{_TITLE})\.?\s+$")
_CREDENTIALED_NAME = re.compile(
    rf"\b(?P<value>{_NAME_WORD}(?:\s+{_INITIAL})?(?:\s+{_NAME_WORD}){{1,2}}),?\s+{_CREDENTIAL}\b"
)
_LAST_COMMA_FIRST = re.compile(
    rf"\b(?P<last>{UPPER}{_NAME_CHAR}+),\s*(?P<first>{UPPER}{_NAME_CHAR}+)(?:\s+{_INITIAL})?"
)
_FIRST_INITIAL = re.compile(rf"\b(?P<first>{_NAME_WORD})\s+{UPPER}\.(?=[\s,;:)?!]|$)")
_INITIAL_LAST = re.compile(rf"\b{UPPER}\.\s?(?P<last>{_NAME_WORD})\b")
_FIRST_LAST = re.compile(rf"\b(?P<first>{_NAME_WORD})(?:\s+{_INITIAL})?\s+(?P<last>{_NAME_WORD})\b")
# "Szabina J Gelencsér", "emidio p lombardo": a middle initial between two words of any case.
_MIDDLE_INITIAL = re.compile(
    rf"(?<![\w\-])(?P<first>{_ANY_CASE_WORD})\s+{LETTER}\.?\s+(?P<last>{_ANY_CASE_WORD})(?![\w\-])"
)
# "patricia desrosiers": a given name and a family name, both from the lists, in lower case.
_LOWER_FIRST_LAST = re.compile(
    rf"(?<![\w\-])(?P<first>{LOWER}+)\s+(?P<last>{LOWER}{_NAME_CHAR}+)(?![\w\-])"
)
# "Scott is", "Megan lives on": a given name from the lists, written with one capital.
_CAPITALISED_WORD = re.compile(rf"(?<![\w\-])(?P<value>{UPPER}{LOWER}+)(?![\w\-]|['’]t\b)")
# Family names recognisable by their ending: Icelandic and Scandinavian patronymics, Slavic,
# Finnish, Romanian, Greek and Ukrainian forms. Endings that English words share ("-ian" of
# "Canadian") are left out. Endings with a diacritic also match in lower case.
_SURNAME_ENDING = re.compile(
    rf"(?<![\w\-])(?P<value>{UPPER}{LOWER}+(?:sson|dóttir|dottir|ović|ović|ević|ić|ová|ská|"
    rf"ovich|evich|ovna|evna|enko|escu|poulos|opoulou|nen|ckaya|skaya|ova|eva)"
    rf"|{LOWER}+(?:dóttir|ović|ević|ić|ová|ská))(?![\w\-])"
)
_STRONG_INTRODUCED_NAME = re.compile(
    rf"\b(?i:{_STRONG_INTRODUCTION})\s+(?P<value>{_ANY_CASE_WORD}(?:\s+{_ANY_CASE_WORD})?)"
)
_LABELLED_NAME = re.compile(
    rf"\b(?i:{_LABEL})\s*:\s*(?:(?i:{_TITLE})\.?\s+)?(?P<value>(?:{_ANY_CASE_WORD}|{UPPER}\.)(?:,?\s+(?:{_NAME_WORD}|{_CAPITALS_WORD}|{_INITIAL})){{0,3}})"
)
_RELATION_NAME = re.compile(
    rf"\b(?i:my|his|her|their|our|pt's|patient's|the patient's)\s+(?i:{_RELATION})\s*,?\s+"
    rf"(?P<value>{_ANY_CASE_WORD}(?:\s+{_ANY_CASE_WORD})?)"
)
_INTRODUCED_NAME = re.compile(
    rf"\b(?i:{_INTRODUCTION})\s+(?P<value>{_ANY_CASE_WORD}(?:\s+{_ANY_CASE_WORD})?)"
)
_GREETING_NAME = re.compile(
    rf"(?:^|(?<=[\n.!?]))\s*(?i:{_GREETING})\b,?\s+(?P<value>{_ANY_CASE_WORD}(?:\s+{_ANY_CASE_WORD})?)"
)
_SIGN_OFF_NAME = re.compile(
    rf"(?:^|\n)\s*(?:[-–—~]+\s*)(?P<value>{_ANY_CASE_WORD}(?:\s+{_ANY_CASE_WORD})?)\s*(?:\n|$)"
)
# A name in quotes after a word that introduces one ("prefers to be called 'Sunny'").
_QUOTED_NAME = re.compile(
    r"\b(?i:called|named|goes\s+by|nickname|nicknamed|known\s+as|aka|calls\s+(?:him|her)self)"
    rf"\s*:?\s*[\"'‘“](?P<value>{LETTER}(?:{_NAME_CHAR}| ){{0,30}}{LETTER})[\"'’”]"
)
# "patient Reyes-Villalobos": a capitalised name right after the word patient.
_PATIENT_NAME = re.compile(
    rf"\b(?i:patient|pt|client|resident)\s+(?P<value>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
_WORD = re.compile(rf"{LETTER}{_NAME_CHAR}*")


def follows_title(text: str, start: int) -> bool:
    """Return whether a title such as "Dr." or "Mrs." ends right before text[start]."""
    return _BEFORE_TITLE.search(text, max(0, start - 20), start) is not None


def _is_known_name(word: str) -> bool:
    lowered = word.lower().rstrip("'’s") if word.endswith(("'s", "’s")) else word.lower()
    return lowered in first_names() or lowered in last_names()


def _is_name_like(word: str) -> bool:
    """Check that a word can be a name: capitalised and not an everyday word, or a listed name."""
    if word[:1].isupper():
        return word.lower() not in common_word_names()
    return _is_known_name(word)


def _is_lone_first_name(text: str, match: re.Match[str]) -> bool:
    """Accept a capitalised given name alone unless it is an eponym, allow-list word or state."""
    word = match.group("value")
    if word.lower() not in first_names() or _allow_word(word) or word.lower() in regions():
        return False
    return not follows_eponym_noun(text, match.end())


@cache
def _allow_words() -> frozenset[str]:
    return frozenset(term.lower() for term in read_word_list("allow_terms.txt"))


def _allow_word(word: str) -> bool:
    return word.lower() in _allow_words()


def _continues_name(words: str) -> bool:
    """Check that the part of a name after a field break is not a label, place or everyday word."""
    first = words.split()[0]
    if is_field_label(first) or _allow_word(first) or first.lower() in regions():
        return False
    if first.lower() in common_word_names() | STOP_WORDS:
        return False
    return first[:1].isupper() or _is_known_name(first)


def _finding(start: int, end: int, score: float) -> Finding:
    return Finding(EntityType.PERSON, start, end, score, RULES_DETECTOR)


def _name_words(
    text: str, start: int, end: int, *, lowercase_needs_gazetteer: bool
) -> Finding | None:
    """Keep the leading words of text[start:end] that can be a name; None if none can."""
    kept_end = start
    for word in _WORD.finditer(text, start, end):
        token = word.group()
        known = _is_known_name(token)
        if not known and (lowercase_needs_gazetteer and not token[:1].isupper()):
            break
        if not known and token.lower() in common_word_names():
            break
        kept_end = word.end()
    return _finding(start, kept_end, 0.8) if kept_end > start else None


def _words_before_stop_word(text: str, start: int, end: int) -> Finding | None:
    """Keep the leading words of text[start:end] up to a stop word or an everyday word."""
    kept_end = start
    for word in _WORD.finditer(text, start, end):
        lowered = word.group().lower()
        if lowered in STOP_WORDS or lowered in common_word_names():
            break
        kept_end = word.end()
    return _finding(start, kept_end, 0.8) if kept_end > start else None


class NameRules:
    """Find names from titles, credentials, labels, relations, greetings and name lists."""

    name = "names"

    def find(self, text: str) -> Iterator[Finding]:
        """Yield a PERSON finding for every name form the rules recognise in `text`.

        A match that crosses a field break gives one finding per part ("Lara  Fiorentino").
        Field labels that close a part ("ANNA M   MRN") are cut off, and a title alone ("Dr")
        is never a finding.
        """
        for finding in self._find_untrimmed(text):
            parts = list(split_at_field_breaks(text, finding.start, finding.end))
            for index, part in enumerate(parts):
                end = end_before_field_label(text, part.start, part.end)
                words = text[part.start : end]
                if TITLE_ONLY.fullmatch(words):
                    continue
                # A name never continues on the next line: there a new field or heading starts.
                if index > 0 and "\n" in text[parts[index - 1].end : part.start]:
                    break
                if index > 0 and (precedes_field_value(text, end) or not _continues_name(words)):
                    continue
                yield _finding(part.start, end, finding.score)

    def _find_untrimmed(self, text: str) -> Iterator[Finding]:
        yield from self._after_titles(text)
        for match in _CREDENTIALED_NAME.finditer(text):
            yield _finding(*match.span("value"), 0.85)
        yield from self._list_backed(text)
        for match in _STRONG_INTRODUCED_NAME.finditer(text):
            finding = _words_before_stop_word(text, *match.span("value"))
            if finding is not None:
                yield finding
        for match in _QUOTED_NAME.finditer(text):
            yield _finding(*match.span("value"), 0.85)
        for match in _PATIENT_NAME.finditer(text):
            words = match.group("value").split()
            if "-" in words[0] or _is_known_name(words[0]):
                yield _finding(*match.span("value"), 0.75)
        for pattern in (
            _LABELLED_NAME,
            _RELATION_NAME,
            _INTRODUCED_NAME,
            _GREETING_NAME,
            _SIGN_OFF_NAME,
        ):
            for match in pattern.finditer(text):
                start, end = match.span("value")
                strict = pattern is not _LABELLED_NAME
                finding = _name_words(text, start, end, lowercase_needs_gazetteer=strict)
                if finding is not None and (
                    pattern is _LABELLED_NAME or self._plausible(text, finding)
                ):
                    yield finding

    def _after_titles(self, text: str) -> Iterator[Finding]:
        for match in _TITLE_NAME.finditer(text):
            if _STREET_BEFORE.search(text, 0, match.start()) and text[match.start()] in "Dd":
                # "4 Oak Dr. Then left": here "Dr." is the street type Drive, not a title.
                continue
            start, end = match.span("value")
            if text[start].islower() and not _is_known_name(text[start:end].split()[0]):
                continue
            yield _finding(start, end, 0.9)

    def _list_backed(self, text: str) -> Iterator[Finding]:
        for match in _LAST_COMMA_FIRST.finditer(text):
            if match.group("first").lower() in first_names() and _is_name_like(match.group("last")):
                yield _finding(match.start(), match.end(), 0.8)
        for match in _FIRST_INITIAL.finditer(text):
            if match.group("first").lower() in first_names():
                yield _finding(match.start(), match.end(), 0.8)
        for match in _INITIAL_LAST.finditer(text):
            if _is_known_name(match.group("last")):
                yield _finding(match.start(), match.end(), 0.75)
        yield from self._with_middle_initial(text)
        for match in _LOWER_FIRST_LAST.finditer(text):
            if match.group("first") in first_names() and match.group("last") in last_names():
                yield _finding(match.start(), match.end(), 0.7)
        for match in _CAPITALISED_WORD.finditer(text):
            if _is_lone_first_name(text, match):
                yield _finding(match.start(), match.end(), 0.6)
        for match in _SURNAME_ENDING.finditer(text):
            word = match.group("value")
            if not _allow_word(word) and not follows_eponym_noun(text, match.end()):
                yield _finding(match.start(), match.end(), 0.6)
        for match in _FIRST_LAST.finditer(text):
            if match.group("first").lower() in first_names() and _is_name_like(match.group("last")):
                yield _finding(match.start(), match.end(), 0.7)

    def _with_middle_initial(self, text: str) -> Iterator[Finding]:
        """Yield "First M Last" names whose given or family name is in the lists."""
        for match in _MIDDLE_INITIAL.finditer(text):
            first, last = match.group("first"), match.group("last")
            everyday = common_word_names() | STOP_WORDS
            if first.lower() in everyday or last.lower() in everyday:
                continue
            if _allow_word(first) or _allow_word(last) or follows_eponym_noun(text, match.end()):
                continue
            if first.lower() in first_names() or last.lower() in last_names():
                yield _finding(match.start(), match.end(), 0.75)

    @staticmethod
    def _plausible(text: str, finding: Finding) -> bool:
        """A lower-case or single-word name must be in the name lists."""
        words = text[finding.start : finding.end].split()
        return any(_is_known_name(word) or word[:1].isupper() for word in words)


def propagate_names(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """Find other mentions of the name parts already found ("Ms. Ostrowski" after the full name).

    Only parts of at least three letters that start with a capital count, and the match is
    case-insensitive on whole words, so "MARISOL" and "marisol" are found too.
    """
    parts = {
        word.group().rstrip("'’s") if word.group().endswith(("'s", "’s")) else word.group()
        for finding in findings
        if finding.entity_type is EntityType.PERSON
        for word in _WORD.finditer(text, finding.start, finding.end)
    }
    parts = {part for part in parts if len(part) >= 3 and part[0].isupper()}
    parts -= {part for part in parts if part.lower() in common_word_names()}
    if not parts:
        return []
    escaped = sorted((re.escape(part) for part in parts), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w\-])(?:" + "|".join(escaped) + r")(?![\w\-])", re.IGNORECASE)
    return [_finding(match.start(), match.end(), 0.7) for match in pattern.finditer(text)]
