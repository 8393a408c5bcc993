"""Re-identification: put a session's originals back in place of its tokens.

One compiled alternation scans the response once, left to right, so a restored original is
never scanned again: a surrogate that equals another entry's original is not restored twice.
At each position the first alternative that matches wins, in this order:

1. a bracketed placeholder, in any letter case, with a space or an underscore before the number
   and an optional possessive inside the brackets: `[PERSON_1]`, `[person 1]`, `[PERSON_1's]`;
2. a placeholder with the underscore kept but a bracket or both dropped: `PERSON_1`, `[PERSON_1`;
3. a surrogate value (any entry whose token is not placeholder-shaped, such as "Mark Davis",
   the surname "Davis" or the shifted date "03/20/2024"), exact case, longest first, and not
   inside a longer word.

A shifted date with a year is also restored when the model rewrites it in another common
format ("03/20/2024" as "March 20, 2024" or "2024-03-20"). The original date then comes back
in the model's format. NOTE: other rewritings ("the 20th", "Wednesday") stay shifted.

A placeholder number is read whole and may not be followed by another digit, so `[PERSON_1]`
never matches inside `[PERSON_10]`. Placeholders that are not in the session are left as they
are and counted as unknown, so a client cannot pull another session's values by quoting its
tokens.

Streams go through `StreamRestorer`, which emits all text except a suffix that could still
become a match, so every chunking of a response restores to exactly what `Restorer.restore`
returns for the whole response. Byte streams first go through `IncrementalUtf8Decoder`:

    decoder = IncrementalUtf8Decoder()
    stream = Restorer(state).stream()
    for raw in network_reads:
        send(stream.feed(decoder.decode(raw)))
    send(stream.feed(decoder.finish()) + stream.finish())
"""

from __future__ import annotations

import codecs
import datetime
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from detectors.errors import RestoreError
from detectors.findings import EntityType
from policies.dates import Precision, parse_date
from policies.session import SessionState, VaultEntry
from policies.tokens import TOKEN_LABELS, TOKEN_PATTERN

# Placeholder numbers longer than this are not read as tokens; a bound keeps the suffix a
# stream must hold back short.
MAX_TOKEN_DIGITS = 6
_APOSTROPHES = "'\u2019"
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
# Placeholders are matched ASCII-only and case-insensitively; the streaming hold-back check
# below normalises with `_ASCII_UPPER` so that both agree on every character.
_TOKEN_FLAGS = "ai"
_WORD = re.compile(r"\w")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")


@dataclass(frozen=True, slots=True)
class RestoreCounts:
    """Per-response integrity counts, never the values.

    `restored` counts the matches replaced by their original. `altered` counts those of them
    that only a tolerant match found, because the model changed the token. `unknown` counts
    placeholder-shaped text that is not in the session and was left as it is.
    """

    restored: int = 0
    unknown: int = 0
    altered: int = 0

    def __add__(self, other: RestoreCounts) -> RestoreCounts:
        return RestoreCounts(
            self.restored + other.restored,
            self.unknown + other.unknown,
            self.altered + other.altered,
        )


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """A re-identified response and its counts; `repr` hides the text because it holds PHI."""

    text: str
    counts: RestoreCounts

    def __repr__(self) -> str:
        return f"RestoreResult(text=<{len(self.text)} characters>, counts={self.counts!r})"


@dataclass(frozen=True, slots=True)
class _Replacement:
    text: str
    counts: RestoreCounts


_UNCHANGED_UNKNOWN = RestoreCounts(unknown=1)
_EXACT = RestoreCounts(restored=1)
_ALTERED = RestoreCounts(restored=1, altered=1)


def _normalise_label(label: str) -> str:
    return label.translate(_ASCII_UPPER).replace(" ", "_")


@dataclass
class _TrieNode:
    children: dict[str, _TrieNode] = field(default_factory=dict)
    # The literal that ends at this node, if one does.
    literal: str | None = None


def _literal_alternation(literals: Iterable[str]) -> str:
    """Build a pattern that matches any of `literals`, the longest one first.

    A literal is matched exactly and never inside a longer word: one that starts with a word
    character may not follow one, and one that ends with a word character may not be
    followed by one. The pattern is a character trie, so at each position only the
    branches that share the text's next character are tried. An alternation of plain
    literals would try every literal at every position.
    """
    root = _TrieNode()
    for literal in literals:
        node = root
        for character in literal:
            node = node.children.setdefault(character, _TrieNode())
        node.literal = literal

    word_start = _TrieNode({c: n for c, n in root.children.items() if _WORD.match(c)})
    other_start = _TrieNode({c: n for c, n in root.children.items() if not _WORD.match(c)})
    branches = []
    if word_start.children:
        branches.append(r"(?<!\w)" + _trie_pattern(word_start))
    if other_start.children:
        branches.append(_trie_pattern(other_start))
    # "(?!)" never matches, for a session without surrogates.
    return "|".join(branches) or "(?!)"


def _trie_pattern(node: _TrieNode) -> str:
    # A chain of single children becomes plain text, so nesting grows only at branch points.
    text = ""
    while len(node.children) == 1 and node.literal is None:
        ((character, node),) = node.children.items()
        text += re.escape(character)
    branches = [re.escape(c) + _trie_pattern(child) for c, child in node.children.items()]
    if node.literal is not None:
        # Listed last, so a longer literal through this node is tried first.
        branches.append(r"(?!\w)" if _WORD.match(node.literal[-1]) else "")
    if len(branches) == 1:
        return text + branches[0]
    return text + "(?:" + "|".join(branches) + ")"


def _build_pattern(labels: Iterable[str], literals: Iterable[str]) -> re.Pattern[str]:
    ordered_labels = sorted(labels, key=len, reverse=True)
    spaced = "|".join(re.escape(label).replace("_", "[_ ]") for label in ordered_labels)
    plain = "|".join(re.escape(label) for label in ordered_labels)
    digits = f"[0-9]{{1,{MAX_TOKEN_DIGITS}}}"
    bracketed = (
        rf"\[\ ?(?P<b_label>{spaced})[_ ](?P<b_number>{digits})(?![0-9])"
        rf"(?P<b_possessive>[{_APOSTROPHES}]s)?\ ?\]"
    )
    bare = (
        rf"(?<![A-Za-z0-9_])\[?(?P<u_label>{plain})_(?P<u_number>{digits})"
        r"(?![A-Za-z0-9_])\]?"
    )
    alternatives = [f"(?{_TOKEN_FLAGS}:{bracketed})", f"(?{_TOKEN_FLAGS}:{bare})"]
    alternatives.append(f"(?P<literal>{_literal_alternation(literals)})")
    return re.compile("|".join(alternatives))


class Restorer:
    """Re-identifies responses with one session's entries; build one per response or stream.

    It reads the session's entries once, when built; entries added later are not restored.
    """

    def __init__(self, state: SessionState) -> None:
        self._placeholders: dict[tuple[str, int], VaultEntry] = {}
        self._literals: dict[str, VaultEntry] = {}
        labels = set(TOKEN_LABELS.values())
        for entry in state.entries.values():
            placeholder = TOKEN_PATTERN.fullmatch(entry.token)
            if placeholder is not None:
                label = placeholder["label"]
                labels.add(label)
                self._placeholders[(label, int(placeholder["number"]))] = entry
            elif entry.token:
                self._literals[entry.token] = entry
        for entry in list(self._literals.values()):
            for variant in _date_variants(entry):
                self._literals.setdefault(variant.token, variant)

        self._pattern = _build_pattern(labels, self._literals)
        self._label_prefixes = {
            label[:length]
            for label in (f"{label}_" for label in labels)
            for length in range(len(label) + 1)
        }
        self._literal_prefixes = {
            literal[:length] for literal in self._literals for length in range(1, len(literal) + 1)
        }
        self._token_tail = re.compile(
            f"(?:{'|'.join(map(re.escape, labels))})_[0-9]{{0,{MAX_TOKEN_DIGITS}}}"
            f"(?:[{_APOSTROPHES}]S?)?_?"
        )
        longest_token = 1 + 1 + max(map(len, labels)) + 1 + MAX_TOKEN_DIGITS + 2 + 1 + 1
        longest_literal = max(map(len, self._literals), default=0)
        # One more than the longest possible match, for the look-ahead after it.
        self._max_pending = max(longest_token, longest_literal) + 1

    def __repr__(self) -> str:
        return f"Restorer(placeholders={len(self._placeholders)}, surrogates={len(self._literals)})"

    def restore(self, text: str) -> RestoreResult:
        """Re-identify a whole response."""
        counts = RestoreCounts()
        pieces: list[str] = []
        position = 0
        for match in self._pattern.finditer(text):
            replacement = self._replace(match)
            pieces.append(text[position : match.start()])
            pieces.append(replacement.text)
            counts += replacement.counts
            position = match.end()
        pieces.append(text[position:])
        return RestoreResult("".join(pieces), counts)

    def stream(self) -> StreamRestorer:
        """Start re-identifying a response that arrives in chunks."""
        return StreamRestorer(self)

    def _replace(self, match: re.Match[str]) -> _Replacement:
        if match["literal"] is not None:
            return _Replacement(self._literals[match["literal"]].original, _EXACT)
        label = match["b_label"] or match["u_label"]
        number = match["b_number"] or match["u_number"]
        entry = self._placeholders.get((_normalise_label(label), int(number)))
        if entry is None:
            return _Replacement(match[0], _UNCHANGED_UNKNOWN)
        possessive = match["b_possessive"] or ""
        exact = match[0] == entry.token
        return _Replacement(entry.original + possessive, _EXACT if exact else _ALTERED)

    def _find_matches(self, text: str, start: int) -> Iterable[re.Match[str]]:
        return self._pattern.finditer(text, start)

    def _pending_start(self, text: str, start: int) -> int:
        """Return where the earliest suffix of `text[start:]` that could still grow into a
        match begins, or `len(text)` if there is none.

        A suffix counts when it is a prefix of a match, or a whole match whose look-ahead
        needs the next character. The check may hold back a little more than needed, never
        less, and never more than `_max_pending` characters.
        """
        for index in range(max(start, len(text) - self._max_pending), len(text)):
            previous = text[index - 1] if index > 0 else ""
            if self._could_grow(text[index:], previous):
                return index
        return len(text)

    def _could_grow(self, fragment: str, previous: str) -> bool:
        """Tell whether a match could start at `fragment` and end beyond it.

        `previous` is the character before the fragment ("" at the start of the response).
        It serves the look-behinds: a surrogate that starts with a word character may not
        follow one, and a bare placeholder may not follow an ASCII letter, digit or underscore.
        """
        first = fragment[0]
        follows_word = _WORD.match(first) is not None and _WORD.match(previous) is not None
        if not follows_word and fragment in self._literal_prefixes:
            return True
        if first == "[":
            normalised = _normalise_label(fragment[1:]).removeprefix("_")
        elif first.isascii() and first.isalpha() and _ASCII_WORD.match(previous) is None:
            normalised = _normalise_label(fragment)
        else:
            return False
        if normalised in self._label_prefixes:
            return True
        return self._token_tail.fullmatch(normalised) is not None


class StreamRestorer:
    """Re-identifies a response that arrives in chunks, with the same result as a whole one.

    `feed` returns the restored text that is final so far. It holds back only a suffix that
    could still be the start of a token or of a surrogate value: at most a few dozen
    characters for placeholders, at most the longest surrogate otherwise. `finish` returns
    the rest.
    """

    def __init__(self, restorer: Restorer) -> None:
        self._restorer = restorer
        self._buffer = ""
        # Index in `_buffer` of the first character not yet emitted; the one character
        # before it is kept for the look-behind checks.
        self._offset = 0
        self._counts = RestoreCounts()
        self._finished = False

    def __repr__(self) -> str:
        return f"StreamRestorer(pending={len(self._buffer) - self._offset}, counts={self._counts})"

    @property
    def counts(self) -> RestoreCounts:
        """The counts for everything emitted so far."""
        return self._counts

    def feed(self, chunk: str) -> str:
        """Add a chunk; returns the restored text that no later chunk can change."""
        if self._finished:
            raise RestoreError("stream restore already finished; start a new stream")
        self._buffer += chunk
        return self._drain(final=False)

    def finish(self) -> str:
        """End the stream; returns the restored rest of the response."""
        if self._finished:
            raise RestoreError("stream restore already finished; start a new stream")
        self._finished = True
        return self._drain(final=True)

    def _drain(self, *, final: bool) -> str:
        text, position = self._buffer, self._offset
        hold = len(text) if final else self._restorer._pending_start(text, position)
        pieces: list[str] = []
        for match in self._restorer._find_matches(text, position):
            if match.start() >= hold:
                break
            replacement = self._restorer._replace(match)
            pieces.append(text[position : match.start()])
            pieces.append(replacement.text)
            self._counts += replacement.counts
            position = match.end()
            if position > hold:
                hold = self._restorer._pending_start(text, position)

        if hold > position:
            pieces.append(text[position:hold])
            position = hold
        keep_from = max(position - 1, 0)
        self._buffer, self._offset = text[keep_from:], position - keep_from
        return "".join(pieces)


class IncrementalUtf8Decoder:
    """Decodes UTF-8 read in arbitrary pieces; a character split across reads waits whole."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")

    def decode(self, data: bytes) -> str:
        """Return the characters completed by `data`; raises `RestoreError` on invalid UTF-8."""
        return self._decode(data, final=False)

    def finish(self) -> str:
        """End the byte stream; raises `RestoreError` if it stopped inside a character."""
        return self._decode(b"", final=True)

    def _decode(self, data: bytes, *, final: bool) -> str:
        try:
            return self._decoder.decode(data, final)
        except UnicodeDecodeError as error:
            raise RestoreError(
                f"response stream is not valid UTF-8 ({error.reason} at byte {error.start})"
            ) from error


# Formats a model commonly uses when it rewrites a date; each renders a `datetime.date`.
_DATE_REWRITES: tuple[Callable[[datetime.date], str], ...] = (
    lambda day: f"{day:%B} {day.day}, {day.year}",
    lambda day: f"{day:%b} {day.day}, {day.year}",
    lambda day: f"{day.day} {day:%B} {day.year}",
    lambda day: f"{day.day} {day:%b} {day.year}",
    lambda day: f"{day:%Y-%m-%d}",
    lambda day: f"{day:%m/%d/%Y}",
    lambda day: f"{day.month}/{day.day}/{day.year}",
)


def _date_variants(entry: VaultEntry) -> list[VaultEntry]:
    """Return entries for other spellings of a shifted date that states its year."""
    if entry.entity_type is not EntityType.DATE or entry.operator != "date_shift":
        return []
    reference = datetime.date.today()
    shifted = parse_date(entry.token, reference)
    original = parse_date(entry.original, reference)
    if shifted is None or original is None or not (shifted.has_year and original.has_year):
        return []
    if shifted.precision is not Precision.DAY:
        return []
    return [
        VaultEntry(
            rewrite(shifted.value), rewrite(original.value), entry.entity_type, entry.operator
        )
        for rewrite in _DATE_REWRITES
    ]
