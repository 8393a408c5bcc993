"""Re-identification of streamed responses, chunk by chunk, and the two stream encodings.

Each candidate's text is one stream of its own: a token split across chunks is restored when
its end arrives, and only the text that could still be the start of a token is held back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from proxy.gemini_fields import JsonObject, map_strings, response_text_slots
from proxy.restore import RestoreCounts, Restorer, StreamRestorer


class StreamRestoration:
    """Restores the chunks of one streamed response in order."""

    def __init__(self, restorer: Restorer) -> None:
        self._restorer = restorer
        self._streams: dict[int, StreamRestorer] = {}
        self.counts = RestoreCounts(restored=0, unknown=0, altered=0)

    def restore_chunk(self, chunk: JsonObject) -> JsonObject:
        """Restore one chunk in place and return it; a finished candidate is flushed."""
        last_text_slot = {}
        for index, slot in response_text_slots(chunk):
            if slot.path.endswith(".text"):
                slot.write(self._stream(index).feed(slot.read()))
                last_text_slot[index] = slot
            else:
                result = self._restorer.restore(slot.read())
                self._add(result.counts)
                slot.write(result.text)
        for position, candidate in enumerate(chunk.get("candidates") or []):
            if isinstance(candidate, dict) and candidate.get("finishReason"):
                index = int(candidate.get("index", position))
                tail = self._finish(index)
                if tail and index in last_text_slot:
                    slot = last_text_slot[index]
                    slot.write(slot.read() + tail)
                elif tail:
                    _append_text_part(candidate, tail)
        return chunk

    def flush(self) -> Iterator[JsonObject]:
        """Yield one final chunk per candidate whose stream ended without a finish reason."""
        for index in list(self._streams):
            tail = self._finish(index)
            if tail:
                yield {
                    "candidates": [
                        {"index": index, "content": {"role": "model", "parts": [{"text": tail}]}}
                    ]
                }

    def _stream(self, index: int) -> StreamRestorer:
        if index not in self._streams:
            self._streams[index] = self._restorer.stream()
        return self._streams[index]

    def _finish(self, index: int) -> str:
        stream = self._streams.pop(index, None)
        if stream is None:
            return ""
        tail = stream.finish()
        self._add(stream.counts)
        return tail

    def _add(self, counts: RestoreCounts) -> None:
        self.counts = self.counts + counts


def restore_response(body: JsonObject, restorer: Restorer) -> RestoreCounts:
    """Restore every text of a whole response in place and return the integrity counts."""
    counts = RestoreCounts(restored=0, unknown=0, altered=0)
    for _, slot in response_text_slots(body):
        result = restorer.restore(slot.read())
        counts = counts + result.counts
        slot.write(result.text)
    return counts


def restore_strings(value: Any, restorer: Restorer) -> Any:
    """Return a copy of any JSON value with tokens restored in every string (error bodies)."""
    return map_strings(value, lambda text: restorer.restore(text).text)


def _append_text_part(candidate: JsonObject, text: str) -> None:
    content = candidate.setdefault("content", {"role": "model"})
    content.setdefault("parts", []).append({"text": text})


def encode_sse(chunk: JsonObject) -> bytes:
    """Encode one chunk as a server-sent event, as Gemini does with `alt=sse`."""
    return b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\r\n\r\n"


def encode_json_array_item(chunk: JsonObject, first: bool) -> bytes:
    """Encode one chunk as an element of the JSON array Gemini streams without `alt=sse`."""
    prefix = b"[" if first else b",\r\n"
    return prefix + json.dumps(chunk, ensure_ascii=False).encode()
