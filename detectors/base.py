"""The detector seam: anything that turns text into findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from detectors.findings import Finding


@runtime_checkable
class Detector(Protocol):
    """Finds PHI in text.

    Implementations raise `DetectionError` when they cannot give an answer; they never return
    a partial result silently, because the caller must then refuse the request (fail closed).
    """

    name: str

    def detect(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return the findings for each text, in the order of `texts`."""
        ...
