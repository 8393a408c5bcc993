"""The MedGemma detector: windows in, chats out, outputs parsed and located in the source."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, fields

from detectors.errors import DetectionError
from detectors.findings import Finding
from detectors.medgemma.backend import Completion, CompletionBackend
from detectors.medgemma.config import MedGemmaConfig
from detectors.medgemma.locate import locate_all
from detectors.medgemma.parse import ParsedOutput, ParseStatus, parse_output
from detectors.medgemma.prompt import build_messages
from detectors.medgemma.types import to_entity_type
from detectors.medgemma.windows import Window, split_windows

logger = logging.getLogger(__name__)

DETECTOR_NAME = "medgemma"


@dataclass(frozen=True, slots=True)
class MedGemmaStats:
    """Counters since the detector was created.

    `outputs_without_json` counts outputs with nothing of the JSON contract in them (zero
    findings each). `identifiers_not_found` counts returned texts absent from the source, which
    are dropped. `invalid_items` counts array items without a usable "text". `retries` counts
    repeated model calls after a failure or a malformed output.
    """

    windows: int = 0
    outputs_without_json: int = 0
    identifiers_not_found: int = 0
    invalid_items: int = 0
    retries: int = 0


@dataclass(frozen=True, slots=True)
class _WindowJob:
    text_index: int
    window: Window


class MedGemmaDetector:
    """Finds PHI by asking MedGemma to list every identifier in each text.

    Each returned identifier is searched for in the whole source text, so all of its
    occurrences become findings, also those in windows where the model missed it. A failed
    model call, or a malformed output, is retried `max_retries` times, then `detect` raises
    DetectionError and returns nothing.
    """

    name = DETECTOR_NAME

    def __init__(self, backend: CompletionBackend, config: MedGemmaConfig) -> None:
        self._backend = backend
        self._config = config
        self._stats = MedGemmaStats()
        self._stats_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MedGemmaDetector(backend={self._backend!r})"

    @property
    def stats(self) -> MedGemmaStats:
        """A snapshot of the counters."""
        with self._stats_lock:
            return self._stats

    def detect(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return the findings for each text, in the order of `texts`.

        Raises DetectionError when the model fails or outputs malformed JSON on every attempt.
        """
        jobs = [
            _WindowJob(text_index=index, window=window)
            for index, text in enumerate(texts)
            for window in split_windows(text, self._config.window_chars, self._config.overlap_chars)
        ]
        outputs = self._ask_in_batches(jobs)

        found: list[set[Finding]] = [set() for _ in texts]
        for job, output in zip(jobs, outputs, strict=True):
            found[job.text_index].update(self._to_findings(texts[job.text_index], output))
        self._count(windows=len(jobs))
        logger.debug(
            "medgemma texts=%d windows=%d findings=%d",
            len(texts),
            len(jobs),
            sum(len(items) for items in found),
        )
        return [sorted(items, key=lambda f: (f.start, f.end, f.entity_type)) for items in found]

    def detect_images(self, images: Sequence[bytes]) -> list[list[Finding]]:
        """Reserved for image parts, which MedGemma 4B can read.

        NOTE: image de-identification is not implemented; this raises DetectionError so that a
        caller that sends images fails closed instead of forwarding them unchecked.
        """
        raise DetectionError(
            f"the MedGemma detector does not de-identify images yet ({len(images)} image parts)"
        )

    def _ask_in_batches(self, jobs: Sequence[_WindowJob]) -> list[ParsedOutput]:
        outputs: list[ParsedOutput] = []
        size = self._config.batch_size
        for first in range(0, len(jobs), size):
            outputs.extend(self._ask_batch(jobs[first : first + size]))
        return outputs

    def _ask_batch(self, jobs: Sequence[_WindowJob]) -> list[ParsedOutput]:
        """Ask for a batch of windows, asking again for those whose output was malformed."""
        pending = list(range(len(jobs)))
        outputs: dict[int, ParsedOutput] = {}
        for attempt in range(self._config.max_retries + 1):
            if attempt:
                self._count(retries=1)
            completions = self._call_backend([jobs[i].window for i in pending], attempt)
            if completions is None:
                continue
            for index, completion in zip(pending, completions, strict=True):
                outputs[index] = _parse_completion(completion)
            pending = [i for i in pending if outputs[i].status is ParseStatus.MALFORMED]
            if not pending:
                return [outputs[i] for i in range(len(jobs))]
        raise DetectionError(
            f"MedGemma gave no usable output for {len(pending)} of {len(jobs)} windows "
            f"after {self._config.max_retries + 1} attempts"
        )

    def _call_backend(self, windows: Sequence[Window], attempt: int) -> list[Completion] | None:
        """Run the backend; on failure return None while attempts remain, else raise."""
        chats = [build_messages(window.text) for window in windows]
        try:
            completions = self._backend.complete(chats)
        except DetectionError as error:
            if attempt >= self._config.max_retries:
                raise
            logger.warning("medgemma call failed, retrying: %s", error)
            return None
        if len(completions) != len(chats):
            raise DetectionError(
                f"MedGemma backend returned {len(completions)} outputs for {len(chats)} chats"
            )
        return completions

    def _to_findings(self, source: str, output: ParsedOutput) -> list[Finding]:
        if output.status is ParseStatus.NO_JSON:
            self._count(outputs_without_json=1)
        self._count(invalid_items=output.invalid_items)

        findings: list[Finding] = []
        for identifier in output.identifiers:
            spans = locate_all(source, identifier.text)
            if not spans:
                self._count(identifiers_not_found=1)
                continue
            entity_type = to_entity_type(identifier.type)
            findings.extend(
                Finding(entity_type, span.start, span.end, self._config.score, self.name)
                for span in spans
            )
        return findings

    def _count(self, **increments: int) -> None:
        with self._stats_lock:
            values = {
                item.name: getattr(self._stats, item.name) + increments.get(item.name, 0)
                for item in fields(MedGemmaStats)
            }
            self._stats = MedGemmaStats(**values)


def _parse_completion(completion: Completion) -> ParsedOutput:
    """Parse an output. One cut off at the token limit before any whole array was read counts
    as malformed, because the identifiers after the cut are missing."""
    output = parse_output(completion.text)
    if completion.truncated and output.status is ParseStatus.PARSED and not output.has_array:
        return ParsedOutput(status=ParseStatus.MALFORMED)
    return output
