"""Helpers for policy tests: findings at the places where given substrings occur."""

from __future__ import annotations

from detectors.findings import EntityType, Finding
from policies.schema import Policy


def findings_at(
    text: str, *spans: tuple[str, EntityType], score: float = 0.9, start: int = 0
) -> list[Finding]:
    """Return one finding per (substring, type), searching left to right from `start`."""
    findings: list[Finding] = []
    cursor = start
    for substring, entity_type in spans:
        start = text.index(substring, cursor)
        end = start + len(substring)
        findings.append(Finding(entity_type, start, end, score, "test"))
        cursor = end
    return findings


def policy_from(**raw: object) -> Policy:
    """Validate a policy from keyword arguments written as a policy file would be."""
    return Policy.model_validate(raw)
