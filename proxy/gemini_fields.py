"""Locations of text in Gemini REST bodies, and of parts that must not be forwarded unseen.

Requests and responses are handled as raw JSON, not as SDK models, so that fields this
proxy does not know (new API features) pass through unchanged. The REST API accepts both the
proto JSON names (`systemInstruction`) and the field names (`system_instruction`); both are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from detectors.errors import ClientRequestError

JsonObject = dict[str, Any]

# Parts whose bytes the detectors cannot read; forwarding them unseen could leak PHI.
UNINSPECTABLE_PART_KEYS = ("inlineData", "inline_data", "fileData", "file_data")
UNINSPECTABLE_REQUEST_KEYS = ("cachedContent", "cached_content")
# Part members whose string values (at any depth) carry text.
STRUCTURED_TEXT_KEYS = (
    "functionCall",
    "function_call",
    "functionResponse",
    "function_response",
)
# Part members whose one string member carries text.
NESTED_TEXT_FIELDS = {
    "executableCode": "code",
    "executable_code": "code",
    "codeExecutionResult": "output",
    "code_execution_result": "output",
}


@dataclass(frozen=True, slots=True)
class TextSlot:
    """One string inside a JSON body, addressed by its container and key (or list index)."""

    container: Any
    key: str | int
    path: str

    def read(self) -> str:
        return str(self.container[self.key])

    def write(self, value: str) -> None:
        """Store `value`; a number that de-identification left unchanged stays a number."""
        current = self.container[self.key]
        if not isinstance(current, str) and value == str(current):
            return
        self.container[self.key] = value

    def __repr__(self) -> str:
        return f"TextSlot(path={self.path!r})"


def request_text_slots(body: JsonObject) -> list[TextSlot]:
    """Return every text-bearing string of a generateContent or countTokens request body."""
    slots: list[TextSlot] = []
    for prefix, request in _requests_in(body):
        for index, content in enumerate(_list(request, "contents")):
            slots.extend(_content_slots(content, f"{prefix}contents[{index}]"))
        instruction = _first(request, "systemInstruction", "system_instruction")
        if isinstance(instruction, dict):
            slots.extend(_content_slots(instruction, f"{prefix}systemInstruction"))
    return slots


def response_text_slots(body: JsonObject) -> list[tuple[int, TextSlot]]:
    """Return every text-bearing string of a generateContent response, with its candidate index.

    The candidate index is the one the response carries (`index`), so streamed chunks of one
    candidate can be restored as one stream.
    """
    slots: list[tuple[int, TextSlot]] = []
    for position, candidate in enumerate(_list(body, "candidates")):
        if not isinstance(candidate, dict):
            continue
        index = candidate.get("index", position)
        content = candidate.get("content")
        if isinstance(content, dict):
            path = f"candidates[{position}].content"
            slots.extend((int(index), slot) for slot in _content_slots(content, path))
    return slots


def find_uninspectable(body: JsonObject) -> list[str]:
    """Return the JSON paths of every part or field whose content the detectors cannot read."""
    paths: list[str] = []
    for prefix, request in _requests_in(body):
        paths.extend(prefix + key for key in UNINSPECTABLE_REQUEST_KEYS if key in request)
        contents = list(enumerate(_list(request, "contents")))
        instruction = _first(request, "systemInstruction", "system_instruction")
        for index, content in contents:
            paths.extend(_uninspectable_parts(content, f"{prefix}contents[{index}]"))
        if isinstance(instruction, dict):
            paths.extend(_uninspectable_parts(instruction, f"{prefix}systemInstruction"))
    return paths


def map_strings(value: Any, transform: Callable[[str], str]) -> Any:
    """Return a copy of a JSON value with `transform` applied to every string value."""
    if isinstance(value, str):
        return transform(value)
    if isinstance(value, list):
        return [map_strings(item, transform) for item in value]
    if isinstance(value, dict):
        return {key: map_strings(item, transform) for key, item in value.items()}
    return value


def _requests_in(body: JsonObject) -> Iterator[tuple[str, JsonObject]]:
    # countTokens takes either bare `contents` or a whole `generateContentRequest`.
    yield "", body
    nested = _first(body, "generateContentRequest", "generate_content_request")
    if isinstance(nested, dict):
        yield "generateContentRequest.", nested


def _content_slots(content: Any, path: str) -> Iterator[TextSlot]:
    for index, part in enumerate(_list(content, "parts")):
        if not isinstance(part, dict):
            continue
        part_path = f"{path}.parts[{index}]"
        if "text" in part and not isinstance(part["text"], str):
            raise ClientRequestError(f"{part_path}.text must be a string")
        if isinstance(part.get("text"), str):
            yield TextSlot(part, "text", f"{part_path}.text")
        for key in STRUCTURED_TEXT_KEYS:
            if isinstance(part.get(key), dict):
                yield from _string_slots(part[key], f"{part_path}.{key}", skip=("name", "id"))
        for key, field in NESTED_TEXT_FIELDS.items():
            nested = part.get(key)
            if isinstance(nested, dict) and isinstance(nested.get(field), str):
                yield TextSlot(nested, field, f"{part_path}.{key}.{field}")


def _string_slots(value: Any, path: str, skip: tuple[str, ...] = ()) -> Iterator[TextSlot]:
    """Yield every string and integer below `value`; `skip` keys count at the top level only.

    Integers are scanned too, because an identifier such as an SSN or MRN may arrive as a JSON
    number in function arguments; a number that contains PHI is replaced by a string token.
    """
    if isinstance(value, dict):
        items: Iterable[tuple[str | int, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        if key in skip:
            continue
        item_path = f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]"
        if isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
            yield TextSlot(value, key, item_path)
        else:
            yield from _string_slots(item, item_path)


def _uninspectable_parts(content: Any, path: str) -> Iterator[str]:
    for index, part in enumerate(_list(content, "parts")):
        if isinstance(part, dict):
            for key in UNINSPECTABLE_PART_KEYS:
                if key in part:
                    yield f"{path}.parts[{index}].{key}"


def _list(container: Any, key: str) -> list[Any]:
    if not isinstance(container, dict):
        return []
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ClientRequestError(f"field '{key}' must be a JSON array")
    return value


def _first(container: JsonObject, *keys: str) -> Any:
    for key in keys:
        if key in container:
            return container[key]
    return None
