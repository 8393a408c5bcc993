"""The de-identification pipeline: detectors, then the policy, applied in one session.

`find` needs no session; `deidentify` takes the session state that the caller loaded (and
locked, for a named session), so the two run separately.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from detectors.base import Detector
from detectors.errors import DeidentificationError, DeidError, DetectionError
from detectors.findings import EntityType, Finding
from detectors.merge import merge_findings
from policies.engine import DeidentifiedText, deidentify_texts
from policies.schema import Policy
from policies.session import SessionState

# Values this short ("Al", initials) would match too much ordinary text when searched for.
MIN_KNOWN_VALUE_LENGTH = 3


@dataclass(frozen=True, slots=True)
class RedactedText:
    """A de-identified text and the findings (offsets into the original) that produced it."""

    text: str
    findings: tuple[Finding, ...]

    def __repr__(self) -> str:
        return f"RedactedText(findings={len(self.findings)}, ...)"


class Pipeline:
    """Runs the configured detectors and applies the policy.

    `second_look` is a detector that reads the already de-identified text; what it finds there
    is mapped back to the original and replaced too.
    """

    def __init__(
        self,
        detectors: Sequence[Detector],
        policy: Policy,
        second_look: Detector | None = None,
    ) -> None:
        if not detectors:
            raise DetectionError("no detector is configured; the policy disables every detector")
        self.detectors = tuple(detectors)
        self.policy = policy
        self.second_look = second_look

    @property
    def detector_names(self) -> tuple[str, ...]:
        names = tuple(detector.name for detector in self.detectors)
        return names + ((self.second_look.name,) if self.second_look else ())

    def find(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return the merged findings of every detector for each text.

        Raises `DetectionError` (chained) when any detector fails, so callers fail closed.
        """
        per_text: list[list[Finding]] = [[] for _ in texts]
        if not texts:
            return per_text
        for detector in self.detectors:
            results = _run_detector(detector, texts)
            for collected, findings in zip(per_text, results, strict=True):
                collected.extend(findings)
        return [merge_findings(findings) for findings in per_text]

    def deidentify(
        self, texts: Sequence[str], findings: Sequence[Sequence[Finding]], state: SessionState
    ) -> list[RedactedText]:
        """Apply the policy to the texts of one request in one session.

        Values the session already contains, and values found anywhere in this request, are
        replaced wherever they occur in it, so a detector that finds a value once (or in an
        earlier turn) covers its other occurrences too. The returned findings are those
        that were replaced. Raises `DeidentificationError` (or `DetectionError` from a
        second look) on failure.
        """
        known = _known_values(texts, findings, state)
        pattern = _known_value_pattern(known)
        merged = [
            merge_findings(
                [*text_findings, *_known_value_findings(text, pattern, known, text_findings)]
            )
            for text, text_findings in zip(texts, findings, strict=True)
        ]
        results = self._apply(texts, merged, state)
        if self.second_look is not None:
            merged = self._look_again(self.second_look, merged, results)
            results = self._apply(texts, merged, state)
        return [_redacted(result, text_findings) for result, text_findings in zip(results, merged)]

    def redact_batch(self, texts: Sequence[str]) -> list[RedactedText]:
        """De-identify texts that share nothing: each gets its own in-memory session."""
        findings = self.find(texts)
        redacted: list[RedactedText] = []
        for text, text_findings in zip(texts, findings, strict=True):
            state = SessionState(tenant="local", session_id="redact")
            redacted.extend(self.deidentify([text], [text_findings], state))
        return redacted

    def _apply(
        self, texts: Sequence[str], findings: Sequence[Sequence[Finding]], state: SessionState
    ) -> list[DeidentifiedText]:
        try:
            return deidentify_texts(texts, findings, self.policy, state)
        except DeidError:
            raise
        except Exception as error:  # any operator failure must refuse the request
            raise DeidentificationError(
                f"the policy step failed ({type(error).__name__})"
            ) from error

    @staticmethod
    def _look_again(
        detector: Detector,
        findings: Sequence[Sequence[Finding]],
        first_pass: Sequence[DeidentifiedText],
    ) -> list[list[Finding]]:
        """Run `detector` on the de-identified texts; add what it finds, in original offsets."""
        late = _run_detector(detector, [result.text for result in first_pass])
        combined = []
        for text_findings, result, extra in zip(findings, first_pass, late, strict=True):
            mapped = [_map_back(finding, result) for finding in extra]
            additions = [finding for finding in mapped if finding is not None]
            combined.append(merge_findings([*text_findings, *additions]))
        return combined


def _redacted(result: DeidentifiedText, findings: Sequence[Finding]) -> RedactedText:
    replaced = {(r.start, r.end) for r in result.replacements}
    kept = tuple(f for f in findings if (f.start, f.end) in replaced)
    return RedactedText(result.text, kept)


class OnlyTypes:
    """A detector that keeps only the findings of some entity types from another detector."""

    def __init__(self, detector: Detector, entity_types: frozenset[EntityType]) -> None:
        self.name = detector.name
        self._detector = detector
        self._entity_types = entity_types

    def detect(self, texts: Sequence[str]) -> list[list[Finding]]:
        results = self._detector.detect(texts)
        return [
            [f for f in findings if f.entity_type in self._entity_types] for findings in results
        ]


def _run_detector(detector: Detector, texts: Sequence[str]) -> list[list[Finding]]:
    try:
        results = detector.detect(texts)
    except DetectionError:
        raise
    except Exception as error:  # an unexpected detector bug must fail closed
        raise DetectionError(f"detector {detector.name} failed ({type(error).__name__})") from error
    if len(results) != len(texts):
        raise DetectionError(f"detector {detector.name} returned results for the wrong text count")
    return results


def _known_values(
    texts: Sequence[str], findings: Sequence[Sequence[Finding]], state: SessionState
) -> dict[str, EntityType]:
    """Map each known value (case-folded) to its type: the session's originals, then this
    request's findings. Values too short to search for safely are left out."""
    known = {entry.original.casefold(): entry.entity_type for entry in state.entries.values()}
    for text, text_findings in zip(texts, findings, strict=True):
        for finding in text_findings:
            known.setdefault(text[finding.start : finding.end].casefold(), finding.entity_type)
    return {value: kind for value, kind in known.items() if _searchable(value)}


def _searchable(value: str) -> bool:
    stripped = value.strip()
    if len(stripped) < MIN_KNOWN_VALUE_LENGTH:
        return False
    # Short numbers ("12", "300") occur everywhere in clinical text as doses and counts.
    return any(character.isalpha() for character in stripped) or len(stripped) >= 4


def _known_value_pattern(known: dict[str, EntityType]) -> re.Pattern[str] | None:
    """Compile the known values, longest first, as one case-insensitive alternation."""
    if not known:
        return None
    alternation = "|".join(re.escape(value) for value in sorted(known, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def _known_value_findings(
    text: str,
    pattern: re.Pattern[str] | None,
    known: dict[str, EntityType],
    detected: Sequence[Finding],
) -> list[Finding]:
    """Return findings for known values in `text` that no detector reported at that span."""
    if pattern is None:
        return []
    found = {(finding.start, finding.end) for finding in detected}
    findings = []
    for match in pattern.finditer(text):
        entity_type = known.get(match.group(0).casefold())
        if entity_type is not None and match.span() not in found:
            findings.append(Finding(entity_type, match.start(), match.end(), 1.0, "known-value"))
    return findings


def _map_back(finding: Finding, result: DeidentifiedText) -> Finding | None:
    """Map a finding in the de-identified text to the original, or None if it hits a token."""
    shift = 0
    for replacement in result.replacements:
        if replacement.output_end <= finding.start:
            shift += (replacement.end - replacement.start) - (
                replacement.output_end - replacement.output_start
            )
        elif replacement.output_start < finding.end:
            return None
    return Finding(
        finding.entity_type,
        finding.start + shift,
        finding.end + shift,
        finding.score,
        finding.detector,
    )
