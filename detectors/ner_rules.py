"""Turning spaCy entities into findings, minus the clinical words the model mistakes for PHI."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from detectors.allowlist import AllowList
from detectors.findings import EntityType, Finding
from detectors.gazetteers import common_word_names, facilities, first_names, last_names, regions
from detectors.name_cues import TITLE_ONLY, has_cue_before
from detectors.spacy_ner import NamedEntity
from detectors.span_edges import end_before_field_label

NER_DETECTOR = "spacy"

LABEL_TYPES = {
    "PERSON": EntityType.PERSON,
    "GPE": EntityType.LOCATION,
    "LOC": EntityType.LOCATION,
    "FAC": EntityType.LOCATION,
    "ORG": EntityType.ORGANIZATION,
}
_SCORE = 0.85

# A name followed by one of these words is an eponym ("Wells score", "Bell's palsy").
_EPONYM_NOUNS = (
    r"disease|diseases|syndrome|sign|signs|reflex|reflexes|score|scores|scale|criteria|test|"
    r"tests|maneuver|manoeuvre|classification|sarcoma|lymphoma|palsy|phenomenon|law|equation|"
    r"formula|method|procedure|operation|repair|fracture|node|nodes|cell|cells|body|bodies|"
    r"triad|angina|ulcer|index|rule|rules|protocol|guideline|guidelines|model|staging|grade|"
    r"type|virus|infection|block|tube|catheter|position|point|test|ratio|questionnaire|"
    r"inventory|tool|assessment|diet|regimen|technique|approach|incision|shunt|loop|"
    r"anomaly|deformity|contracture|cyst|tumor|tumour|aneurysm|dementia|ataxia|dystrophy|"
    r"disorder|encephalopathy|esophagus|oesophagus|thyroiditis|granulomatosis|tear|lesion|"
    r"nodule|nodules|spots|stripe|line|lines|curve|wort|counts?|stage|class|exam|examination|"
    r"evaluation|survey|study|studies|trial|trials|registry|cohort|findings|investigators|"
    r"society|association|college|academy|federation|council|board|foundation|task force|"
    r"organization|organisation|committee|agency|administration|consortium|network|"
    r"collaboration|initiative|program|programme|project|efficacy|management|therapy|"
    r"treatment|care|hepatitis|cholangitis|cirrhosis|fibrosis|sclerosis"
)
_EPONYM_CONTEXT = re.compile(rf"(?:'s|’s)?[\s\-]+(?i:{_EPONYM_NOUNS})\b")
_HAS_EPONYM_NOUN = re.compile(rf"\b(?i:{_EPONYM_NOUNS})\b")

# The model tags many abbreviations and study names as organisations, so an organisation
# counts only when it names a place of care or follows a word that introduces a place.
_CARE_WORD = re.compile(
    r"\b(?i:hospital|clinic|medical|health|healthcare|center|centre|institute|memorial|"
    r"general|infirmary|hospice|nursing|rehab|rehabilitation|pediatrics|children's|"
    r"university|va|practice|physicians|associates|urgent)\b"
)
_PLACE_CONTEXT = re.compile(r"\b(?i:at|to|from)\s+(?:(?i:the|our|a)\s+)?$")
_LETTERS_AND_DIGITS = re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])\w+")
_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")

# Common endings of international nonproprietary drug names, which the model
# often tags as names or organisations.
_DRUG_STEM = re.compile(
    r"(?i:mab|nib|pril|sartan|olol|statin|azole|mycin|cillin|floxacin|prazole|tidine|dipine|"
    r"done|zepam|zolam|glutide|gliflozin|gliptin|parin|xaban|gatran|triptan|vir|cycline|"
    r"oxacin|afil|setron|lukast|terol|sonide|asone|olone|tropium|curium|caine|profen|"
    r"oxetine|triptyline|apine|idone|barbital|thiazide|semide|formin|glinide|glitazone|"
    r"dronate|plase|kinra|cept|tinib|ciclib|rafenib|lisib|parib|zumab|ximab|umab)$"
)
_ACRONYM = re.compile(r"[A-Z0-9\-]{1,5}")
_HYPHEN_TAIL = re.compile(r"[A-Za-z0-9]*(?:[\-'’][A-Za-z0-9]+)*")
_LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
# A lower-case word that closes an organisation span ("cardiology" of "Mercy General
# cardiology"): a department or service, not part of the name.
_TRAILING_LOWER_WORD = re.compile(r"\s+(?P<word>[a-z][a-z\-]*)$")


def findings_from_entities(
    text: str, entities: Iterable[NamedEntity], allow_list: AllowList
) -> Iterator[Finding]:
    """Yield a finding for each entity of a PHI label that is not clinical vocabulary."""
    for entity in entities:
        entity_type = LABEL_TYPES.get(entity.label)
        if entity_type is None:
            continue
        start = entity.start + _leading_article_length(text[entity.start : entity.end])
        end = _name_end(text, start, _word_end(text, entity.end), entity_type)
        span = text[start:end]
        if entity_type is EntityType.PERSON and not _is_person(text, start, span, entity):
            continue
        if start < end and _is_phi(text, start, end, span, entity_type, allow_list):
            yield Finding(entity_type, start, end, _SCORE, NER_DETECTOR)


def _name_end(text: str, start: int, end: int, entity_type: EntityType) -> int:
    """Cut field labels off a person or organisation, and departments off an organisation."""
    if entity_type not in (EntityType.PERSON, EntityType.ORGANIZATION):
        return end
    end = end_before_field_label(text, start, end)
    if entity_type is EntityType.ORGANIZATION:
        while (match := _TRAILING_LOWER_WORD.search(text, start, end)) and not _CARE_WORD.match(
            match.group("word")
        ):
            end = match.start()
    return end


def _is_person(text: str, start: int, span: str, entity: NamedEntity) -> bool:
    """Reject a title alone, and one vocabulary word ("Diuresed") that no name cue supports."""
    if TITLE_ONLY.fullmatch(span):
        return False
    if not entity.vocabulary_word or entity.end - entity.start != len(span):
        return True
    lowered = span.lower()
    if lowered in first_names() or lowered in last_names() or lowered in common_word_names():
        return True
    return has_cue_before(text, start)


def _word_end(text: str, end: int) -> int:
    """Move `end` past the rest of a hyphenated word the model cut ("DAPA" of "DAPA-HF")."""
    match = _HYPHEN_TAIL.match(text, end)
    return match.end() if match else end


def _leading_article_length(span: str) -> int:
    match = _LEADING_ARTICLE.match(span)
    return match.end() if match else 0


def _is_phi(
    text: str, start: int, end: int, span: str, entity_type: EntityType, allow_list: AllowList
) -> bool:
    if allow_list.allows(span) or span.lower().rstrip("'’s") in regions():
        return False
    if span in facilities():
        return True
    if _is_clinical_wording(text, end, span):
        return False
    if span[0].islower() and not _is_gazetteer_name(span):
        return False
    if _ACRONYM.fullmatch(span) or _PLURAL_ACRONYM.fullmatch(span):
        return entity_type is EntityType.LOCATION and span.isalpha() and len(span) > 3
    if entity_type is EntityType.ORGANIZATION:
        if _CARE_WORD.fullmatch(span):
            return False  # "Hospital" alone names no facility.
        return bool(_CARE_WORD.search(span) or _PLACE_CONTEXT.search(text, 0, start))
    return True


def _is_clinical_wording(text: str, end: int, span: str) -> bool:
    """Eponyms, drug names, lab names and lists of abbreviations ("CHF & COPD")."""
    if not any(character.isalpha() for character in span) or "&" in span or "/" in span:
        return True
    if _EPONYM_CONTEXT.match(text, end) or _HAS_EPONYM_NOUN.search(span):
        return True
    if _LETTERS_AND_DIGITS.search(span):
        return True
    if len(span) <= 2 or (span.isupper() and " " not in span and not span.isalpha()):
        return True
    return bool(_DRUG_STEM.search(span) and " " not in span)


def follows_eponym_noun(text: str, end: int) -> bool:
    """Return whether the words after text[:end] make it an eponym ("Graves disease")."""
    return _EPONYM_CONTEXT.match(text, end) is not None


def _is_gazetteer_name(span: str) -> bool:
    words = span.split()
    return all(word in first_names() or word in last_names() for word in words)
