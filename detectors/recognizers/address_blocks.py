"""Address blocks: the unit, city, region and postal code lines around a street line.

Letters, forms and headers write an address over several lines:

    20789 Allika 46
    Suite 501
    Riisa
    Estonia 62488

Once a street or unit finding marks one line of such a block, the short lines around it are
read as address parts too. A line with a label ("Phone:"), an e-mail address, a URL or a
long digit run ends the block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from detectors.findings import EntityType, Finding
from detectors.gazetteers import countries
from detectors.recognizers.addresses import POSTAL_CODE
from detectors.recognizers.patterns import RULES_DETECTOR
from detectors.recognizers.places import STREET_SUFFIXES

_BLOCK_DETECTOR = RULES_DETECTOR
_MAX_LINES_AFTER = 5
_MAX_PLACE_WORDS = 6
_MAX_TAIL_WORDS = 4

# Quote and bullet marks that e-mail replies and lists put before each line.
_LINE_PREFIX = re.compile(r"[ \t>?|*•\-]*")
_UNIT_LINE = re.compile(
    r"(?i:apt|apartment|unit|suite|ste|floor|fl|room|rm|bldg|building|flat)\b\.?\s*#?\s*[\w\-]{1,8}$"
)
_HOUSE_NUMBER_LINE = re.compile(r"\d{1,6}[A-Za-z]?\s+[^\W\d_]")
# Lines that are not address parts: labels, e-mail, URLs, phone-length digit runs.
_NOT_ADDRESS = re.compile(r":|@|https?|www\.|\d[\d\s().\-]{8,}\d")
_SENTENCE_END = re.compile(r"[?!]|\.(?:\s|$)")
_TRAILING_POSTAL = re.compile(rf"(?:^|(?<=[\s,]))(?P<postal>{POSTAL_CODE})$")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_POSTAL_AFTER_PLACE = re.compile(
    rf",?[ \t]+(?P<postal>{POSTAL_CODE})(?![\w\-/.%]|\s*(?i:mg|ml|kg|g|mm|cm|%|units?)\b)"
)

# A city right after a street, with or without "in": one to three words that end the line or
# sentence, or that a stop word, a digit or a comma follows ("22 oak st in springfield and").
_CITY_WORD = r"[^\W\d_][\w'’\-]*"
_CITY_AFTER_STREET = re.compile(
    rf"[ \t]+(?:(?i:in)[ \t]+)?(?P<city>{_CITY_WORD}(?:[ \t]+{_CITY_WORD}){{0,2}}?)"
    rf"(?=[ \t]*(?:[,;:!?.]|$)|[ \t]+(?:\d|(?i:{'|'.join(sorted(STOP_WORDS))})\b))"
)
# Words after a street that are a time, a street type or a unit rather than a city.
_NOT_CITY_WORDS = frozenset(
    {"today", "tomorrow", "yesterday", "tonight", "currently", "now"}
    | set(STREET_SUFFIXES.split("|"))
    | {"apt", "apartment", "unit", "suite", "ste", "floor", "fl", "room", "rm", "bldg"}
)


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int


def expand_address_blocks(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """Return findings for the address parts around each street or unit finding."""
    lines = _lines(text)
    last_streets: dict[int, Finding] = {}
    for finding in findings:
        if finding.entity_type is EntityType.STREET_ADDRESS:
            index = _line_index(lines, finding.end - 1)
            if index not in last_streets or finding.end > last_streets[index].end:
                last_streets[index] = finding
    found: list[Finding] = []
    for index, street in sorted(last_streets.items()):
        found.extend(_previous_street_line(text, lines, index))
        found.extend(_same_line_tail(text, street, lines[index].end))
        found.extend(_block_after(text, lines, index))
    return found


def places_above_countries(text: str) -> list[Finding]:
    """Return the short line above a line that names only a country ("ALFRICK / United Kingdom").

    The line must be at most three words without digits or a label, so headings such as
    "Travel history:" stay.
    """
    lines = _lines(text)
    found = []
    previous: tuple[int, str] | None = None
    for line in lines:
        offset, content = _content(text, line)
        if not content:
            continue
        is_country = content.lower() in countries()
        if is_country and previous is not None and _is_place_line(previous[1]):
            found.append(_finding(EntityType.LOCATION, previous[0], previous[0] + len(previous[1])))
        previous = (offset, content)
    return found


def _is_place_line(content: str) -> bool:
    words = content.split()
    if not 1 <= len(words) <= 3 or words[0].lower() in STOP_WORDS:
        return False
    return content[0].isupper() and not any(
        character.isdigit() or character == ":" for character in content
    )


def postal_codes_after_places(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """Return a ZIP_CODE finding for a postal code written right after a found place name.

    Four-digit values that read as a year ("Boston 2019") are left alone.
    """
    found = []
    for finding in findings:
        if finding.entity_type is not EntityType.LOCATION:
            continue
        match = _POSTAL_AFTER_PLACE.match(text, finding.end)
        if match is None or _YEAR.fullmatch(match.group("postal")):
            continue
        if len(match.group("postal")) < 4:
            continue
        found.append(_finding(EntityType.ZIP_CODE, *match.span("postal")))
    return found


def _lines(text: str) -> list[_Line]:
    lines = []
    start = 0
    for part in text.split("\n"):
        lines.append(_Line(start, start + len(part)))
        start += len(part) + 1
    return lines


def _line_index(lines: list[_Line], position: int) -> int:
    for index, line in enumerate(lines):
        if line.start <= position <= line.end:
            return index
    return len(lines) - 1


def _content(text: str, line: _Line) -> tuple[int, str]:
    """Return the offset and text of a line without its quote prefix and trailing blanks."""
    start = _LINE_PREFIX.match(text, line.start, line.end)
    offset = start.end() if start else line.start
    return offset, text[offset : line.end].rstrip()


def _previous_street_line(text: str, lines: list[_Line], index: int) -> Iterator[Finding]:
    """Yield the line before a unit line when it starts with a house number ("20789 Allika 46")."""
    if index == 0:
        return
    offset, content = _content(text, lines[index - 1])
    if not _HOUSE_NUMBER_LINE.match(content) or _NOT_ADDRESS.search(content):
        return
    if len(content.split()) <= _MAX_PLACE_WORDS:
        yield _finding(EntityType.STREET_ADDRESS, offset, offset + len(content))


def _block_after(text: str, lines: list[_Line], index: int) -> Iterator[Finding]:
    for line in lines[index + 1 : index + 1 + _MAX_LINES_AFTER]:
        offset, content = _content(text, line)
        if not content:
            continue
        sentence_end = _SENTENCE_END.search(content)
        if sentence_end is not None:
            content = content[: sentence_end.start()]
        if _NOT_ADDRESS.search(content) or len(content.split()) > _MAX_PLACE_WORDS:
            return
        if _UNIT_LINE.match(content):
            yield _finding(EntityType.STREET_ADDRESS, offset, offset + len(content))
        elif _written_like_place(content):
            yield from _place_parts(offset, content)
        else:
            return
        if sentence_end is not None:
            return


# Lower-case words that may stand inside a place name ("Stratford upon Avon", "Rio de Janeiro").
_PLACE_CONNECTORS = frozenset({"upon", "on", "de", "del", "la", "le", "am", "an", "der", "of", "da"})


def _written_like_place(content: str) -> bool:
    """Whether a line may be a place line rather than prose that follows an address.

    A clause mark (";") or a line of several words, mostly lower case and with no digits
    ("Ferritin low, started iron"), is prose. Place lines with a postal code may carry a few
    lower-case words ("KNIVSTA 18237 after the concert").
    """
    if ";" in content:
        return False
    words = content.replace(",", " ").split()
    if len(words) < 2 or any(character.isdigit() for character in content):
        return True
    lower = [w for w in words if w[0].islower() and w.lower() not in _PLACE_CONNECTORS]
    return len(lower) * 2 <= len(words)


def _same_line_tail(text: str, street: Finding, line_end: int) -> Iterator[Finding]:
    """Yield the places after the street on its own line.

    These are the parts after a comma ("12 Rua Sol, Goiânia, Brazil"), a city after "in"
    ("22 oak st in springfield") and a city that ends the line or sentence ("14 elm ln
    fairhaven").
    """
    street_end = street.end
    tail = text[street_end:line_end]
    sentence_end = _SENTENCE_END.search(tail)
    if sentence_end is not None:
        tail = tail[: sentence_end.start()]
    if not tail.lstrip(" \t").startswith(","):
        # A street that ends in "Dr." may also end its sentence, so no city is read after it.
        if text[street_end - 1 : street_end] != ".":
            yield from _city_after_street(text[street.start : street_end], street_end, tail)
        return
    offset = street_end
    for segment in tail.split(","):
        words = segment.split()
        if words and len(words) <= _MAX_TAIL_WORDS and words[0].lower() not in STOP_WORDS:
            yield from _place_parts(offset, segment)
        offset += len(segment) + 1


def _city_after_street(street: str, offset: int, tail: str) -> Iterator[Finding]:
    """Yield the city after `street`; after a capitalised street it must be capitalised too.

    So "12 Main St in case of rain" and
    "Via Tasso 129 street" add no place, while "22 oak st springfield" does.
    """
    match = _CITY_AFTER_STREET.match(tail)
    if match is None:
        return
    city = match.group("city")
    if not street.islower() and not city[0].isupper():
        return
    words = city.lower().split()
    if any(word in STOP_WORDS or word in _NOT_CITY_WORDS for word in words):
        return
    if " ".join(words) in countries():
        return
    yield _finding(EntityType.LOCATION, offset + match.start("city"), offset + match.end("city"))


def _place_parts(offset: int, content: str) -> Iterator[Finding]:
    """Split a place line into a postal code and a place, leaving a region named alone."""
    place = content.strip(" ,")
    postal = _TRAILING_POSTAL.search(place)
    if postal is not None:
        yield _finding(EntityType.ZIP_CODE, offset + postal.start(), offset + postal.end())
        place = place[: postal.start()].rstrip(" ,")
    if not place or not any(character.isalpha() for character in place):
        return
    normalised = " ".join(re.sub(r"\(.*?\)", " ", place).lower().split())
    if normalised in countries():
        return
    start = offset + content.find(place)
    yield _finding(EntityType.LOCATION, start, start + len(place))


def _finding(entity_type: EntityType, start: int, end: int) -> Finding:
    return Finding(entity_type, start, end, 0.75, _BLOCK_DETECTOR)
