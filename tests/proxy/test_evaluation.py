"""Corpus loaders and metrics of the evaluation module."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from detectors.errors import ConfigurationError
from detectors.findings import EntityType, Finding
from proxy.evaluation import evaluate, load_documents
from proxy.safe_harbor import is_safe_harbor_value


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def test_loads_spans_format(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.jsonl",
        [
            {
                "id": "a",
                "text": "Call Ann.",
                "spans": [{"start": 5, "end": 8, "label": "NAME", "text": "Ann"}],
            }
        ],
    )
    [document] = load_documents(path)
    assert document.spans[0].text == "Ann"
    assert not document.phi_free


def test_loads_value_lists_every_occurrence(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "v.jsonl",
        [{"id": "a", "text": "Ann met Ann.", "phi": [{"value": "Ann", "category": "name"}]}],
    )
    [document] = load_documents(path)
    assert [(span.start, span.end) for span in document.spans] == [(0, 3), (8, 11)]


def test_loads_presidio_array(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            [
                {
                    "full_text": "Hi Bo",
                    "spans": [
                        {
                            "entity_type": "PERSON",
                            "entity_value": "Bo",
                            "start_position": 3,
                            "end_position": 5,
                        }
                    ],
                }
            ]
        )
    )
    [document] = load_documents(path)
    assert document.spans[0].label == "PERSON"


def test_unknown_format_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.jsonl", [{"id": "a", "body": "text"}])
    with pytest.raises(ConfigurationError, match="no known format"):
        load_documents(path)


def test_metrics_count_leaks_and_changes(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.jsonl",
        [
            {
                "id": "a",
                "text": "Ann and Bo",
                "spans": [
                    {"start": 0, "end": 3, "label": "NAME", "text": "Ann"},
                    {"start": 8, "end": 10, "label": "NAME", "text": "Bo"},
                ],
            },
            {"id": "b", "text": "no phi", "spans": []},
            {"id": "c", "text": "also none", "spans": []},
        ],
    )

    def redact_batch(texts: Sequence[str]) -> list[tuple[str, Sequence[Finding]]]:
        fake = {
            "Ann and Bo": ("[N] and Bo", [Finding(EntityType.PERSON, 0, 3, 1.0, "t")]),
            "no phi": ("no phi", []),
            "also none": ("[X] none", [Finding(EntityType.PERSON, 0, 4, 1.0, "t")]),
        }
        return [fake[text] for text in texts]

    report = evaluate(load_documents(path), redact_batch, batch_size=2)
    assert report.leak_recall == 0.5
    assert report.span_recall == 0.5
    assert report.span_precision == 0.5
    assert report.over_redaction == 0.5
    assert report.as_json()["recall_per_type"]["NAME"]["total"] == 2


@pytest.mark.parametrize(
    ("label", "value", "expected"),
    [
        ("GPE", "Tromsø", True),
        ("GPE", "Norway", False),
        ("GPE", "Cyprus (Greek)", False),
        ("GPE", "SK", False),
        ("DATE_TIME", "1971", False),
        ("DATE_TIME", "3/14/1961", True),
        ("DATE_TIME", "Tuesday", True),
        ("AGE", "89", False),
        ("AGE", "93", True),
        ("ORGANIZATION", "Acme Clinic", False),
        ("PERSON", "Ann Lee", True),
        ("NAME", "Ann Lee", False),
    ],
)
def test_safe_harbor_value_filter(label: str, value: str, expected: bool) -> None:
    assert is_safe_harbor_value(label, value) is expected
