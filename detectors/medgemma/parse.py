"""Read the identifiers out of a model's output, tolerating what real models write.

The output should be a JSON array of {"text": ..., "type": ...} objects. Models wrap it in code
fences, put prose around it, leave trailing commas, write a single object or an object that
contains the array, or list bare strings. This parser accepts all of those.

Three outcomes:
- `PARSED`: at least one value of the contract was read (an empty array counts).
- `NO_JSON`: nothing in the output looks like the contract, such as prose or the random text of
  an untrained model. The caller treats this as zero identifiers.
- `MALFORMED`: the output starts an object with a "text" key that could not be read, for
  example an output cut off inside the array or a string with an unescaped quote. Some
  identifiers would be lost, so the caller must retry or fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
# A "text" key in key position: the model started an object of the contract here.
_TEXT_KEY = re.compile(r'[{,]\s*"text"\s*:')
_TRAILING_COMMA = re.compile(r",\s*[\]}]")
_JSON_START = re.compile(r"[\[{]")
_DECODER = json.JSONDecoder()


class ParseStatus(StrEnum):
    """How much of an output the parser could read."""

    PARSED = "parsed"
    NO_JSON = "no_json"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class ModelIdentifier:
    """One identifier as the model wrote it: its verbatim `text` and its `type` word."""

    text: str
    type: str

    def __repr__(self) -> str:
        return f"ModelIdentifier(type={self.type!r}, text=<{len(self.text)} chars>)"


@dataclass(frozen=True, slots=True)
class ParsedOutput:
    """The identifiers read from one output, and how the reading went.

    `invalid_items` counts array items that were not a non-empty string or an object with a
    non-empty string "text". `has_array` is true when a whole JSON array was read, as opposed
    to objects picked out of an array that did not close.
    """

    status: ParseStatus
    identifiers: tuple[ModelIdentifier, ...] = ()
    invalid_items: int = 0
    has_array: bool = False


@dataclass(frozen=True, slots=True)
class _DecodedValue:
    value: object
    start: int
    end: int


def parse_output(output: str) -> ParsedOutput:
    """Parse a model's output into identifiers; see the module docstring for the outcomes."""
    body = _strip_fences(output)
    cleaned = remove_trailing_commas(body)
    decoded = [item for item in _decode_json_values(cleaned) if _is_contract_value(item.value)]
    if _has_unread_text_key(cleaned, decoded):
        return ParsedOutput(status=ParseStatus.MALFORMED)
    if not decoded:
        return ParsedOutput(status=ParseStatus.NO_JSON)

    identifiers: list[ModelIdentifier] = []
    invalid = 0
    for item in decoded:
        for raw in _contract_items(item.value):
            identifier = _to_identifier(raw)
            if identifier is None:
                invalid += 1
            else:
                identifiers.append(identifier)
    has_array = any(isinstance(item.value, list) for item in decoded)
    return ParsedOutput(ParseStatus.PARSED, tuple(identifiers), invalid, has_array)


def remove_trailing_commas(text: str) -> str:
    """Drop each comma that is followed, after optional whitespace, by `]` or `}`.

    Commas inside JSON strings are kept: the scan tracks string state and escapes.
    """
    output_chars: list[str] = []
    in_string = False
    escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "," and _TRAILING_COMMA.match(text, index):
            continue
        output_chars.append(char)
    return "".join(output_chars)


def _strip_fences(output: str) -> str:
    """Return the contents of the code fences in `output`, or `output` when it has none."""
    blocks = [match.group(1) for match in _FENCE.finditer(output)]
    return "\n".join(blocks) if blocks else output


def _decode_json_values(text: str) -> Iterator[_DecodedValue]:
    """Yield each JSON array or object that decodes, scanning left to right."""
    position = 0
    while True:
        match = _JSON_START.search(text, position)
        if match is None:
            return
        start = match.start()
        try:
            value, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            position = start + 1
            continue
        yield _DecodedValue(value=value, start=start, end=end)
        position = end


def _is_contract_value(value: object) -> bool:
    if isinstance(value, list):
        return not value or any(isinstance(item, (dict, str)) for item in value)
    if isinstance(value, dict):
        return "text" in value or any(isinstance(item, list) for item in value.values())
    return False


def _contract_items(value: object) -> list[object]:
    """Return the items of a contract value: the array, the lone object or the inner array."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict) and "text" in value:
        return [value]
    if isinstance(value, dict):
        return [item for inner in value.values() if isinstance(inner, list) for item in inner]
    return []


def _to_identifier(raw: object) -> ModelIdentifier | None:
    if isinstance(raw, str):
        return ModelIdentifier(text=raw, type="") if raw.strip() else None
    if not isinstance(raw, dict):
        return None
    text = raw.get("text")
    kind = raw.get("type", "")
    if not isinstance(text, str) or not text.strip():
        return None
    return ModelIdentifier(text=text, type=kind if isinstance(kind, str) else "")


def _has_unread_text_key(text: str, decoded: list[_DecodedValue]) -> bool:
    """Tell whether a "text" key lies outside every value that was read."""
    for match in _TEXT_KEY.finditer(text):
        if not any(item.start <= match.start() < item.end for item in decoded):
            return True
    return False
