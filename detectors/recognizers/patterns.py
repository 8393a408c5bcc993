"""Compiled patterns that mark a value, optionally behind a label that is not itself PHI."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from detectors.findings import EntityType, Finding

RULES_DETECTOR = "rules"


@dataclass(frozen=True, slots=True)
class ValuePattern:
    """A regular expression whose group `value` (or whole match) is PHI of `entity_type`.

    `accept`, when set, sees the match and returns False to drop it; it holds the checks a
    regular expression cannot express (a valid month, a birth year that implies age over 89).
    """

    name: str
    entity_type: EntityType
    regex: re.Pattern[str]
    score: float
    accept: Callable[[re.Match[str]], bool] | None = None

    def find(self, text: str) -> Iterator[Finding]:
        """Yield a finding for every accepted match in `text`."""
        has_value_group = "value" in self.regex.groupindex
        for match in self.regex.finditer(text):
            if self.accept is not None and not self.accept(match):
                continue
            start, end = match.span("value") if has_value_group else match.span()
            if start < end:
                yield Finding(self.entity_type, start, end, self.score, RULES_DETECTOR)


def alternation(words: str) -> str:
    """Turn a `|`-separated list of words into a non-capturing group, longest first.

    Spaces in a word match any run of whitespace, so "medical record" also matches across
    a line break.
    """
    items = sorted({word.strip() for word in words.split("|") if word.strip()}, key=len)
    escaped = [re.escape(item).replace(r"\ ", r"\s+") for item in reversed(items)]
    return "(?:" + "|".join(escaped) + ")"


def _letter_class(predicate: Callable[[str], bool]) -> str:
    """A character class of the Latin, Greek and Cyrillic letters that satisfy `predicate`."""
    blocks = (range(0x41, 0x250), range(0x370, 0x400), range(0x400, 0x530))
    letters = "".join(chr(code) for block in blocks for code in block if predicate(chr(code)))
    return "[" + re.escape(letters) + "]"


# Python's `re` has no \p{Lu}, so capitals and small letters outside ASCII ("Ø", "Ł", "Σ")
# come from these generated classes. Text in other scripts is not covered.
UPPER = _letter_class(lambda character: character.isalpha() and character.isupper())
LOWER = _letter_class(lambda character: character.isalpha() and not character.isupper())
LETTER = r"[^\W\d_]"
