"""Turning spaCy entities into findings, minus the clinical words the model mistakes for PHI."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from detectors.allowlist import AllowList
from detectors.findings import EntityType, Finding
from detectors.gazetteers import facilities, first_names, last_names, regions
from detectors.spacy_ner import NamedEntity

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
    r"nodule|nodules|spots|stripe|line|lines|curve|wort|counts?|stage|class"
)
_EPONYM_CONTEXT = re.compile(rf"(?:'s|’s)?[\s\-]+(?i:{_EPONYM_NOUNS})\b")
_ENDS_WITH_EPONYM_NOUN = re.compile(rf"\b(?i:{_EPONYM_NOUNS})$")

# Stems of international nonproprietary drug names (WHO INN stem list), which the model
# often tags as names or organisations.
_DRUG_STEM = re.compile(
    r"(?i:mab|nib|pril|sartan|olol|statin|azole|mycin|cillin|floxacin|prazole|tidine|dipine|"
    r"done|zepam|zolam|glutide|gliflozin|gliptin|parin|xaban|gatran|triptan|vir|cycline|"
    r"oxacin|afil|setron|lukast|terol|sonide|asone|olone|tropium|curium|caine|profen|"
    r"oxetine|triptyline|apine|idone|barbital|thiazide|semide|formin|glinide|glitazone|"
    r"dronate|plase|kinra|cept|tinib|ciclib|rafenib|lisib|parib|zumab|ximab|umab)$"
)
_ACRONYM = re.compile(r"[A-Z0-9\-]{1,5}")
_LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")


def findings_from_entities(
    text: str, entities: Iterable[NamedEntity], allow_list: AllowList
) -> Iterator[Finding]:
    """Yield a finding for each entity of a PHI label that is not clinical vocabulary."""
    for entity in entities:
        entity_type = LABEL_TYPES.get(entity.label)
        if entity_type is None:
            continue
        start = entity.start + _leading_article_length(text[entity.start : entity.end])
        span = text[start : entity.end]
        if start < entity.end and _is_phi(text, start, entity.end, span, entity_type, allow_list):
            yield Finding(entity_type, start, entity.end, _SCORE, NER_DETECTOR)


def _leading_article_length(span: str) -> int:
    match = _LEADING_ARTICLE.match(span)
    return match.end() if match else 0


def _is_phi(
    text: str, start: int, end: int, span: str, entity_type: EntityType, allow_list: AllowList
) -> bool:
    if allow_list.allows(span) or span.lower().rstrip("'’s") in regions():
        return False
    if not any(character.isalpha() for character in span):
        return False
    if _EPONYM_CONTEXT.match(text, end) or _ENDS_WITH_EPONYM_NOUN.search(span):
        return False
    if _DRUG_STEM.search(span) and " " not in span:
        return False
    if span.islower() and not _is_gazetteer_name(span):
        return False
    if _ACRONYM.fullmatch(span) and span not in facilities():
        return entity_type is EntityType.LOCATION and span.isalpha() and len(span) > 3
    return True


def _is_gazetteer_name(span: str) -> bool:
    words = span.split()
    return all(word in first_names() or word in last_names() for word in words)
