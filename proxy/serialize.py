"""JSON shapes shared by the preview route and the command line."""

from __future__ import annotations

from typing import Any

from detectors.findings import Finding
from proxy.pipeline import RedactedText


def finding_as_json(finding: Finding) -> dict[str, Any]:
    return {
        "entity_type": finding.entity_type.value,
        "start": finding.start,
        "end": finding.end,
        "score": round(finding.score, 4),
        "detector": finding.detector,
    }


def redacted_as_json(redacted: RedactedText) -> dict[str, Any]:
    """Return `{"text": de-identified text, "findings": [...]}` with offsets into the original."""
    return {"text": redacted.text, "findings": [finding_as_json(f) for f in redacted.findings]}
