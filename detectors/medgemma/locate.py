"""Find where the identifiers a model returned stand in the source text.

A model returns text, not offsets, so every occurrence is searched for in the source. Nothing is
guessed: a text that cannot be found is dropped, and the caller counts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open `[start, end)` range of `str` offsets."""

    start: int
    end: int


def locate_all(source: str, needle: str) -> list[Span]:
    """Return every occurrence of `needle` in `source`, in order of position.

    The search runs in two passes and stops at the first that finds anything:
    1. the exact text and the text with other case or other whitespace between its words,
       where it appears as a whole word (so "Ann" does not match inside "Annual");
    2. the exact text anywhere, even inside a longer word (an ID glued to a prefix).
    An empty result means the text is not in the source.
    """
    words = needle.split()
    if not words:
        return []

    bounded = re.compile(_word_boundary_pattern(words), re.IGNORECASE)
    spans = [Span(match.start(), match.end()) for match in bounded.finditer(source)]
    if spans:
        return spans
    return _exact_occurrences(source, needle.strip())


def _word_boundary_pattern(words: list[str]) -> str:
    """Build a regex for `words` with any whitespace between them, bounded as whole words.

    A boundary is only required next to a word character, so "(555)" or "#12" still match.
    """
    body = r"\s+".join(re.escape(word) for word in words)
    prefix = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    suffix = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
    return prefix + body + suffix


def _exact_occurrences(source: str, needle: str) -> list[Span]:
    """Return the non-overlapping exact occurrences of `needle`, left to right."""
    spans: list[Span] = []
    position = source.find(needle)
    while position >= 0:
        spans.append(Span(position, position + len(needle)))
        position = source.find(needle, position + len(needle))
    return spans
