"""Detection targets on the public evaluation corpora (skipped when they are absent)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from detectors.findings import Finding
from detectors.presidio_detector import PresidioDetector
from proxy.evaluation import EvaluationReport, evaluate, load_documents

EVAL_ROOT = Path(os.environ.get("DEID_EVAL_ROOT", Path(__file__).parents[3] / "shared" / "eval"))


def _run(detector: PresidioDetector, relative: str) -> EvaluationReport:
    path = EVAL_ROOT / relative
    if not path.is_file():
        pytest.skip(f"evaluation corpus {relative} is not available")

    def redact_batch(texts: Sequence[str]) -> list[tuple[str, Sequence[Finding]]]:
        outputs = []
        for text, findings in zip(texts, detector.detect(texts), strict=True):
            for finding in reversed(findings):
                text = (
                    text[: finding.start] + f"[{finding.entity_type.value}]" + text[finding.end :]
                )
            outputs.append((text, findings))
        return outputs

    return evaluate(load_documents(path), redact_batch)


def test_asq_phi_leak_recall_and_over_redaction(detector: PresidioDetector) -> None:
    report = _run(detector, "asq-phi/asq_phi.jsonl")
    assert report.gold_values == 2973
    assert report.leak_recall >= 0.995
    assert report.over_redaction <= 0.10


def test_deidgate_seed_no_value_survives(detector: PresidioDetector) -> None:
    report = _run(detector, "deidgate-seed/safeharbor_seed.jsonl")
    assert report.gold_values == 38
    assert report.values_removed == 38


def test_presidio_synth_safe_harbor_recall(detector: PresidioDetector) -> None:
    report = _run(detector, "presidio-synth-v2/synth_dataset_v2.json")
    below_target = {
        item.label: round(item.recall, 4)
        for item in report.safe_harbor_per_type
        if item.recall < 0.95
    }
    assert below_target == {}
    assert {item.label for item in report.safe_harbor_per_type} >= {
        "PERSON",
        "STREET_ADDRESS",
        "ZIP_CODE",
        "GPE",
        "PHONE_NUMBER",
    }
