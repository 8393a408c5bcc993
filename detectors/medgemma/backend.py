"""The seam between the detector and whatever runs the model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from detectors.medgemma.prompt import ChatMessage


@dataclass(frozen=True, slots=True)
class Completion:
    """A model's output to one chat; `truncated` is true when it stopped at the token limit."""

    text: str
    truncated: bool

    def __repr__(self) -> str:
        return f"Completion(truncated={self.truncated}, text=<{len(self.text)} chars>)"


class CompletionBackend(Protocol):
    """Runs chats through a model with greedy decoding.

    `complete` returns one completion per chat, in order, or raises `DetectionError` (a
    `ConfigurationError` for a setting that can never work). Messages carry no chat text.
    """

    def complete(self, chats: Sequence[Sequence[ChatMessage]]) -> list[Completion]:
        """Return the model's output to each chat."""
        ...
