"""Merging overlapping findings without splicing text."""

from __future__ import annotations

from detectors.findings import EntityType, Finding
from detectors.merge import merge_findings


def _finding(entity_type: EntityType, start: int, end: int, score: float = 0.5) -> Finding:
    return Finding(entity_type, start, end, score, "test")


def test_overlap_becomes_union_of_priority_type() -> None:
    merged = merge_findings(
        [_finding(EntityType.PERSON, 5, 12), _finding(EntityType.PHONE_NUMBER, 10, 20, 0.4)]
    )
    assert merged == [_finding(EntityType.PHONE_NUMBER, 5, 20, 0.5)]


def test_touching_findings_stay_separate() -> None:
    first, second = (
        _finding(EntityType.PHONE_NUMBER, 0, 8),
        _finding(EntityType.PHONE_NUMBER, 8, 16),
    )
    assert merge_findings([second, first]) == [first, second]


def test_chain_of_overlaps_is_one_cluster() -> None:
    merged = merge_findings(
        [
            _finding(EntityType.LOCATION, 0, 5),
            _finding(EntityType.DATE, 4, 10),
            _finding(EntityType.LOCATION, 9, 15),
        ]
    )
    assert [(f.entity_type, f.start, f.end) for f in merged] == [(EntityType.DATE, 0, 15)]


def test_empty_input() -> None:
    assert merge_findings([]) == []
