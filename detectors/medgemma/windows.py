"""Split long texts into overlapping windows that fit the model's context."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class Window:
    """A slice of one source text: `text` equals `source[start:start + len(text)]`."""

    start: int
    text: str

    def __repr__(self) -> str:
        return f"Window(start={self.start}, text=<{len(self.text)} chars>)"


def split_windows(text: str, max_chars: int, overlap_chars: int) -> list[Window]:
    """Cover `text` with windows of at most `max_chars`, each overlapping the last by about
    `overlap_chars`.

    A window ends at the last whitespace before its limit when there is one in its second
    half, so words are not cut. An identifier shorter than the overlap therefore appears whole
    in at least one window. A text of only whitespace yields no window.

    Raises ValueError unless 0 <= overlap_chars < max_chars // 2.
    """
    if not 0 <= overlap_chars < max_chars // 2:
        raise ValueError(f"overlap_chars={overlap_chars} must be in [0, max_chars // 2)")
    if not text.strip():
        return []

    windows: list[Window] = []
    start = 0
    while True:
        end = _window_end(text, start, max_chars)
        windows.append(Window(start=start, text=text[start:end]))
        if end >= len(text):
            return windows
        start = _next_start(text, end, overlap_chars)


def _window_end(text: str, start: int, max_chars: int) -> int:
    limit = start + max_chars
    if limit >= len(text):
        return len(text)
    cut = max(text.rfind(" ", start, limit), text.rfind("\n", start, limit))
    return cut if cut > start + max_chars // 2 else limit


def _next_start(text: str, end: int, overlap_chars: int) -> int:
    """Step back `overlap_chars` from `end`, then forward to a word start if one is near."""
    if overlap_chars == 0:
        return end
    start = end - overlap_chars
    space = _WHITESPACE.search(text, start, end)
    return space.end() if space is not None else start
