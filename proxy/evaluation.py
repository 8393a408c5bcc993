"""Measuring de-identification on labelled corpora: leaks, recall, precision, over-redaction.

Three corpus formats load into one `Document` shape:

- JSON lines with `spans` (`{"id", "text", "spans": [{"start", "end", "label", "text"}]}`);
- presidio-research's JSON array (`full_text`, `spans[].start_position/end_position/entity_type`);
- JSON lines with value lists (`{"id", "text", "phi": [{"value", "category"}]}`), whose
  offsets are found by searching the text.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detectors.errors import ConfigurationError
from detectors.findings import Finding
from proxy.safe_harbor import is_safe_harbor_value

RedactBatch = Callable[[Sequence[str]], Sequence[tuple[str, Sequence[Finding]]]]


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One labelled PHI value, with half-open offsets into its document's text."""

    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A text and its gold PHI spans; a document without spans is PHI-free."""

    id: str
    text: str
    spans: tuple[GoldSpan, ...]

    @property
    def phi_free(self) -> bool:
        return not self.spans


@dataclass(frozen=True, slots=True)
class TypeRecall:
    """Leak recall of one gold label: values no longer present in the output."""

    label: str
    removed: int
    total: int

    @property
    def recall(self) -> float:
        return self.removed / self.total if self.total else 1.0


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Every metric of one run; ratios are in [0, 1] and time in seconds.

    `safe_harbor_per_type` counts only gold values that are HIPAA Safe Harbor identifiers
    under presidio-research's labels (see `proxy.safe_harbor`); it is empty for other corpora.
    """

    documents: int
    gold_values: int
    values_removed: int
    per_type: tuple[TypeRecall, ...]
    span_recall: float
    span_precision: float
    phi_free_documents: int
    phi_free_changed: int
    seconds: float
    safe_harbor_per_type: tuple[TypeRecall, ...] = ()
    leaked: tuple[str, ...] = field(default=(), repr=False)

    @property
    def leak_recall(self) -> float:
        return self.values_removed / self.gold_values if self.gold_values else 1.0

    @property
    def over_redaction(self) -> float:
        return self.phi_free_changed / self.phi_free_documents if self.phi_free_documents else 0.0

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, Any]:
        """Return the metrics as JSON-ready values, without any document text."""
        return {
            "documents": self.documents,
            "gold_values": self.gold_values,
            "values_removed": self.values_removed,
            "leak_recall": self.leak_recall,
            "recall_per_type": {
                item.label: {"removed": item.removed, "total": item.total, "recall": item.recall}
                for item in self.per_type
            },
            "safe_harbor_recall_per_type": {
                item.label: {"removed": item.removed, "total": item.total, "recall": item.recall}
                for item in self.safe_harbor_per_type
            },
            "span_recall": self.span_recall,
            "span_precision": self.span_precision,
            "phi_free_documents": self.phi_free_documents,
            "phi_free_changed": self.phi_free_changed,
            "over_redaction": self.over_redaction,
            "seconds": self.seconds,
            "documents_per_second": self.documents_per_second,
        }


def load_documents(path: Path) -> list[Document]:
    """Load a corpus in any of the three formats, chosen from its content.

    Raises `ConfigurationError` naming the file when it is missing or in no known format.
    """
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(f"evaluation file {path} could not be read") from error

    if content.lstrip().startswith("["):
        return list(_presidio_documents(json.loads(content)))
    records = [json.loads(line) for line in content.splitlines() if line.strip()]
    if all("spans" in record for record in records):
        return [_spans_document(record) for record in records]
    if all("phi" in record for record in records):
        return [_value_list_document(record) for record in records]
    raise ConfigurationError(
        f"evaluation file {path} is in no known format: expected JSON lines with 'spans' or "
        "'phi', or a JSON array with 'full_text'"
    )


def _spans_document(record: dict[str, Any]) -> Document:
    spans = tuple(
        GoldSpan(
            span["label"], span["start"], span["end"], record["text"][span["start"] : span["end"]]
        )
        for span in record["spans"]
    )
    return Document(str(record["id"]), record["text"], spans)


def _presidio_documents(items: Iterable[dict[str, Any]]) -> Iterator[Document]:
    for index, item in enumerate(items):
        text = item["full_text"]
        spans = tuple(
            GoldSpan(
                span["entity_type"],
                span["start_position"],
                span["end_position"],
                text[span["start_position"] : span["end_position"]],
            )
            for span in item["spans"]
        )
        yield Document(str(index), text, spans)


def _value_list_document(record: dict[str, Any]) -> Document:
    """Locate every occurrence of each listed value; a value not in the text has no span."""
    text = record["text"]
    spans: list[GoldSpan] = []
    for item in record["phi"]:
        value = item["value"]
        start = text.find(value)
        while value and start >= 0:
            spans.append(GoldSpan(item["category"], start, start + len(value), value))
            start = text.find(value, start + len(value))
    return Document(str(record["id"]), text, tuple(spans))


def evaluate(
    documents: Sequence[Document],
    redact_batch: RedactBatch,
    *,
    batch_size: int = 32,
    progress: Callable[[int], object] | None = None,
) -> EvaluationReport:
    """De-identify every document and score the outputs against the gold spans.

    A gold value counts as removed when its text no longer occurs in the output. A gold span
    is recalled, and a finding is precise, when it overlaps a span of the other side.
    `progress`, when given, is called with the number of documents finished in each batch.
    """
    tally = _Tally()
    started = time.perf_counter()
    for first in range(0, len(documents), batch_size):
        batch = documents[first : first + batch_size]
        outputs = redact_batch([document.text for document in batch])
        for document, (output, findings) in zip(batch, outputs, strict=True):
            tally.add(document, output, findings)
        if progress is not None:
            progress(len(batch))
    return tally.report(len(documents), time.perf_counter() - started)


class _Tally:
    def __init__(self) -> None:
        self.removed: dict[str, int] = defaultdict(int)
        self.total: dict[str, int] = defaultdict(int)
        self.safe_harbor_removed: dict[str, int] = defaultdict(int)
        self.safe_harbor_total: dict[str, int] = defaultdict(int)
        self.leaked: list[str] = []
        self.spans_hit = self.spans_total = 0
        self.findings_hit = self.findings_total = 0
        self.phi_free = self.phi_free_changed = 0

    def add(self, document: Document, output: str, findings: Sequence[Finding]) -> None:
        if document.phi_free:
            self.phi_free += 1
            self.phi_free_changed += output != document.text
        for span in document.spans:
            leaked = span.text in output
            self.total[span.label] += 1
            self.removed[span.label] += not leaked
            if leaked:
                self.leaked.append(document.id)
            if is_safe_harbor_value(span.label, span.text):
                self.safe_harbor_total[span.label] += 1
                self.safe_harbor_removed[span.label] += not leaked
            self.spans_total += 1
            self.spans_hit += any(_overlaps(span, finding) for finding in findings)
        self.findings_total += len(findings)
        self.findings_hit += sum(
            any(_overlaps(span, finding) for span in document.spans) for finding in findings
        )

    def report(self, documents: int, seconds: float) -> EvaluationReport:
        per_type = tuple(
            TypeRecall(label, self.removed[label], self.total[label])
            for label in sorted(self.total)
        )
        return EvaluationReport(
            documents=documents,
            gold_values=sum(self.total.values()),
            values_removed=sum(self.removed.values()),
            per_type=per_type,
            span_recall=self.spans_hit / self.spans_total if self.spans_total else 1.0,
            span_precision=self.findings_hit / self.findings_total if self.findings_total else 1.0,
            phi_free_documents=self.phi_free,
            phi_free_changed=self.phi_free_changed,
            seconds=seconds,
            safe_harbor_per_type=tuple(
                TypeRecall(label, self.safe_harbor_removed[label], self.safe_harbor_total[label])
                for label in sorted(self.safe_harbor_total)
            ),
            leaked=tuple(self.leaked),
        )


def _overlaps(span: GoldSpan, finding: Finding) -> bool:
    return span.start < finding.end and finding.start < span.end
