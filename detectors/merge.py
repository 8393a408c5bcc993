"""Merging the findings of several detectors into one non-overlapping list."""

from __future__ import annotations

from collections.abc import Iterable

from detectors.findings import EntityType, Finding

# When findings overlap, the cluster becomes the first of these types that is present.
# Structured identifiers come first because their pattern is precise; names and places from
# the statistical model come last. Record, plan, account and licence numbers are found only
# after their label (or by a check digit), so they outrank a phone pattern that also fits the
# digits ("NPI 1234567893" is a licence number, not a phone number).
# NOTE: a phone number right after such a label ("insurance 1-800-555-0100") is therefore
# typed as that identifier, but it is still replaced.
TYPE_PRIORITY: tuple[EntityType, ...] = (
    EntityType.US_SSN,
    EntityType.EMAIL_ADDRESS,
    EntityType.URL,
    EntityType.IP_ADDRESS,
    EntityType.MEDICAL_RECORD_NUMBER,
    EntityType.HEALTH_PLAN_NUMBER,
    EntityType.ACCOUNT_NUMBER,
    EntityType.LICENSE_NUMBER,
    EntityType.FAX_NUMBER,
    EntityType.PHONE_NUMBER,
    EntityType.VEHICLE_ID,
    EntityType.DEVICE_ID,
    EntityType.BIOMETRIC_ID,
    EntityType.PHOTO,
    EntityType.ID,
    EntityType.STREET_ADDRESS,
    EntityType.ZIP_CODE,
    EntityType.DATE,
    EntityType.AGE,
    EntityType.PERSON,
    EntityType.ORGANIZATION,
    EntityType.LOCATION,
)
_RANK = {entity_type: rank for rank, entity_type in enumerate(TYPE_PRIORITY)}


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings sorted by offset, with every overlapping cluster made one finding.

    A cluster of overlapping findings becomes the union of their spans, so no character that
    any detector flagged is left uncovered, typed with the highest-priority type in the
    cluster and scored with its highest score. Findings that only touch (one ends where the
    next starts) stay separate, so "555-0101 555-0102" keeps two values.
    """
    ordered = sorted(findings, key=lambda finding: (finding.start, -finding.end))
    merged: list[Finding] = []
    cluster: list[Finding] = []
    cluster_end = -1

    for finding in ordered:
        if cluster and finding.start >= cluster_end:
            merged.append(_union(cluster))
            cluster = []
        cluster.append(finding)
        cluster_end = max(cluster_end, finding.end) if len(cluster) > 1 else finding.end

    if cluster:
        merged.append(_union(cluster))
    return merged


def _union(cluster: list[Finding]) -> Finding:
    """Collapse overlapping findings into one that covers all of them."""
    if len(cluster) == 1:
        return cluster[0]
    winner = min(cluster, key=lambda finding: (_RANK[finding.entity_type], -finding.score))
    return Finding(
        entity_type=winner.entity_type,
        start=min(finding.start for finding in cluster),
        end=max(finding.end for finding in cluster),
        score=max(finding.score for finding in cluster),
        detector=winner.detector,
    )
