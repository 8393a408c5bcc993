"""The main detector: spaCy entities plus clinical rules, on Presidio's recognizers."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from presidio_analyzer.predefined_recognizers import PhoneRecognizer
from spacy.language import Language

from detectors.allowlist import AllowList, DenyList, normalise_term
from detectors.errors import DetectionError
from detectors.findings import EntityType, Finding
from detectors.gazetteers import regions
from detectors.merge import merge_findings
from detectors.ner_rules import findings_from_entities
from detectors.recognizers.address_blocks import (
    expand_address_blocks,
    places_above_countries,
    postal_codes_after_places,
)
from detectors.recognizers.addresses import ADDRESS_PATTERNS
from detectors.recognizers.contact import CONTACT_PATTERNS
from detectors.recognizers.dates import AGE_PATTERNS, DATE_PATTERNS
from detectors.recognizers.facility_spans import tidy_facility_findings, verbs_only
from detectors.recognizers.identifiers import IDENTIFIER_PATTERNS
from detectors.recognizers.name_groups import names_in_lists, speaker_names
from detectors.recognizers.names import NameRules, follows_title, propagate_names
from detectors.recognizers.patterns import ValuePattern
from detectors.recognizers.places import build_place_patterns
from detectors.spacy_ner import NamedEntity, SpacyEntityTagger

logger = logging.getLogger(__name__)

# Presidio's phonenumbers-backed recognizer knows the national formats of many regions.
_PHONE_REGIONS = ("US", "CA", "GB", "MX", "IN", "DE", "FR")
_PHONE_DETECTOR = "presidio_phone"


class PresidioDetector:
    """Find PHI with one spaCy NER pass per text, compiled clinical rules and Presidio.

    Findings are merged (see `merge_findings`) and never include an allow-list term; every
    deny-list term is a finding. Raises `DetectionError` when any step fails.
    """

    def __init__(
        self,
        nlp: Language,
        *,
        allow_terms: Sequence[str] = (),
        deny_terms: Sequence[tuple[str, EntityType]] = (),
        name: str = "presidio",
        chunk_chars: int | None = None,
    ) -> None:
        self.name = name
        self._tagger = SpacyEntityTagger(nlp, chunk_chars=chunk_chars)
        self._allow_list = AllowList(allow_terms)
        self._deny_list = DenyList(deny_terms)
        self._patterns: tuple[ValuePattern, ...] = (
            CONTACT_PATTERNS
            + IDENTIFIER_PATTERNS
            + DATE_PATTERNS
            + AGE_PATTERNS
            + build_place_patterns()
            + ADDRESS_PATTERNS
        )
        self._names = NameRules()
        self._verbs = verbs_only(nlp)
        self._phone = PhoneRecognizer(supported_regions=_PHONE_REGIONS)

    def detect(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return the merged findings of each text, in the order of `texts`."""
        entities = self._tagger.tag(texts)
        try:
            return [
                self._detect_one(text, text_entities)
                for text, text_entities in zip(texts, entities, strict=True)
            ]
        except (ValueError, IndexError, KeyError) as error:
            raise DetectionError(
                f"rule detection failed on a batch of {len(texts)} texts"
            ) from error

    def _detect_one(self, text: str, entities: list[NamedEntity]) -> list[Finding]:
        findings = list(findings_from_entities(text, entities, self._allow_list))
        findings.extend(self._rule_findings(text))
        findings = [finding for finding in findings if not self._allowed(text, finding)]
        findings.extend(expand_address_blocks(text, findings))
        findings.extend(places_above_countries(text))
        findings.extend(postal_codes_after_places(text, findings))
        findings.extend(speaker_names(text))
        findings.extend(names_in_lists(text, findings))
        findings.extend(propagate_names(text, findings))
        findings = tidy_facility_findings(text, findings, self._verbs)
        findings.extend(self._deny_list.find(text))
        return merge_findings(_extend_to_word_ends(text, findings))

    def _rule_findings(self, text: str) -> Iterator[Finding]:
        for pattern in self._patterns:
            yield from pattern.find(text)
        yield from self._names.find(text)
        # The phone recognizer reads only the text, so it needs no spaCy artifacts.
        for result in self._phone.analyze(text, ["PHONE_NUMBER"], None):  # type: ignore[arg-type]
            yield Finding(
                EntityType.PHONE_NUMBER, result.start, result.end, result.score, _PHONE_DETECTOR
            )

    def _allowed(self, text: str, finding: Finding) -> bool:
        """Allow-list terms, and states or countries named alone (Safe Harbor keeps states).

        A person right after a title ("Dr. Wells", "Mrs. Baker") is kept even when the name
        is also an eponym on the allow-list.
        """
        span = text[finding.start : finding.end]
        if finding.entity_type is EntityType.LOCATION and normalise_term(span) in regions():
            return True
        if finding.entity_type is EntityType.PERSON and follows_title(text, finding.start):
            return False
        return self._allow_list.allows(span)


_NAME_LIKE_TYPES = frozenset({EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION})


def _extend_to_word_ends(text: str, findings: list[Finding]) -> Iterator[Finding]:
    """Grow name and place findings over the rest of a hyphenated or apostrophe word.

    The model sometimes stops at a hyphen ("Ferndale" of "Ferndale-Ostrowski"), which would
    leave part of the name in the output.
    """
    for finding in findings:
        if finding.entity_type not in _NAME_LIKE_TYPES:
            yield finding
            continue
        start, end = finding.start, finding.end
        while start > 0 and _continues_word(text, start - 1, step=-1):
            start -= 1
        while end < len(text) and _continues_word(text, end, step=1):
            end += 1
        yield Finding(finding.entity_type, start, end, finding.score, finding.detector)


def _continues_word(text: str, position: int, *, step: int) -> bool:
    """Whether text[position] is a letter, or a hyphen or apostrophe followed by one."""
    if text[position].isalpha():
        return True
    following = position + step
    return text[position] in "-'’" and 0 <= following < len(text) and text[following].isalpha()
