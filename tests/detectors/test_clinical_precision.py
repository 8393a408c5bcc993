"""Clinical notes: every PHI value is found, and clinical words and field labels stay."""

from __future__ import annotations

import pytest
from spacy.language import Language

from detectors.allowlist import AllowList
from detectors.findings import EntityType
from detectors.ner_rules import findings_from_entities
from detectors.presidio_detector import PresidioDetector
from detectors.spacy_ner import SpacyEntityTagger

DISCHARGE_SUMMARY = (
    "DISCHARGE SUMMARY\n"
    "Patient: KOWALSKI, ANNA M   MRN: 00481923\n"
    "Attending: Dr. Rajesh Subramanian\n"
    "Helena Marquardt Read by:\n"
    "Theodore Blackwood   Consultant\n"
    "Hospital course: Diuresed with furosemide. Ambulated on day 2.\n"
    "Followed up at Mercy General cardiology clinic.\n"
)
RADIOLOGY_REPORT = (
    "RADIOLOGY REPORT\n"
    "Patient: OKONKWO-BAILEY, CHIDI   DOB: 03/14/1961   MRN: 7732041\n"
    "Exam: CT chest with contrast   Date of exam: 02/09/2025\n"
    "Referring physician: Dr. Lucinda Farrow\n"
    "Findings: Stable 4 mm nodule in the right upper lobe. No effusion.\n"
    "Read by: Dr. Matthias Oyelaran\tRadiologist\n"
)
PATHOLOGY_REPORT = (
    "SURGICAL PATHOLOGY\n"
    "Name: Ferreira, Beatriz L   Acct #: 55019932   Age: 58   Sex: F\n"
    "Collected: 11/02/2024 at Harborview Memorial Hospital\n"
    "Diagnosis: Invasive ductal carcinoma, grade 2. Margins negative.\n"
    "Signed out by: Priyanka Venkataraman, MD\n"
)
PORTAL_MESSAGE = (
    "Hi Dr. Castellanos,\n"
    "Tolerated the new dose fine. Stopped the ibuprofen like you said. My daughter "
    "Wilhelmina will drive me to the appointment on Friday.\n"
    "Thanks,\n"
    "Gideon Halvorsen\n"
)

# (id, note, PHI values that must be inside findings, words that no finding may touch)
NOTES = [
    (
        "discharge summary",
        DISCHARGE_SUMMARY,
        [
            "KOWALSKI",
            "ANNA",
            "00481923",
            "Rajesh Subramanian",
            "Helena Marquardt",
            "Theodore Blackwood",
            "Mercy General",
        ],
        [
            "MRN",
            "Dr",
            "Read",
            "Consultant",
            "Hospital",
            "Diuresed",
            "furosemide",
            "Ambulated",
            "cardiology",
        ],
    ),
    (
        "radiology report",
        RADIOLOGY_REPORT,
        [
            "OKONKWO-BAILEY",
            "CHIDI",
            "03/14/1961",
            "7732041",
            "02/09/2025",
            "Lucinda Farrow",
            "Matthias Oyelaran",
        ],
        ["DOB", "MRN", "Exam", "Findings", "Stable", "nodule", "Radiologist", "Dr"],
    ),
    (
        "pathology report",
        PATHOLOGY_REPORT,
        [
            "Ferreira",
            "Beatriz",
            "55019932",
            "11/02/2024",
            "Harborview Memorial Hospital",
            "Priyanka Venkataraman",
        ],
        ["Acct", "Age", "Sex", "Diagnosis", "Invasive", "carcinoma", "Margins"],
    ),
    (
        "portal message",
        PORTAL_MESSAGE,
        ["Castellanos", "Wilhelmina", "Gideon Halvorsen"],
        ["Tolerated", "Stopped", "ibuprofen", "daughter"],
    ),
]


def _word_spans(text: str, word: str) -> list[tuple[int, int]]:
    spans, position = [], text.find(word)
    while position >= 0:
        spans.append((position, position + len(word)))
        position = text.find(word, position + 1)
    return spans


@pytest.mark.parametrize(
    ("note", "phi", "clinical"), [case[1:] for case in NOTES], ids=[case[0] for case in NOTES]
)
def test_note_phi_found_and_clinical_words_kept(
    detector: PresidioDetector, note: str, phi: list[str], clinical: list[str]
) -> None:
    [findings] = detector.detect([note])
    for value in phi:
        start = note.index(value)
        assert any(f.start <= start and start + len(value) <= f.end for f in findings), value
    for word in clinical:
        for start, end in _word_spans(note, word):
            assert not any(f.start < end and start < f.end for f in findings), word


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Patient: KOWALSKI, ANNA M   MRN: 00481923", "KOWALSKI, ANNA M"),
        ("Helena Marquardt Read by: Dr. Ames", "Helena Marquardt"),
        ("Theodore Blackwood   Consultant", "Theodore Blackwood"),
        ("Attending: Dr. Rajesh Subramanian", "Rajesh Subramanian"),
        (
            "Attending: Dr. Rajesh Subramanian\n\nHISTORY OF PRESENT ILLNESS: cough",
            "Rajesh Subramanian",
        ),
        ("Patient: KOWALSKI, ANNA M\nHISTORY OF PRESENT ILLNESS: cough", "KOWALSKI, ANNA M"),
    ],
    ids=[
        "header fields",
        "read by label",
        "role after spaces",
        "title before name",
        "heading after blank line",
        "heading on next line",
    ],
)
def test_person_span_ends_at_name(detector: PresidioDetector, text: str, name: str) -> None:
    [findings] = detector.detect([text])
    people = [text[f.start : f.end] for f in findings if f.entity_type is EntityType.PERSON]
    assert name in people
    assert all(person in name or person == "Ames" for person in people)


@pytest.mark.parametrize(
    "text",
    [
        "Summarise.",
        "Diuresed with furosemide.",
        "Extubated on day 3, then ambulated.",
    ],
    ids=["one-word prompt", "clinical verb", "past tense verb"],
)
def test_vocabulary_word_alone_not_person(detector: PresidioDetector, text: str) -> None:
    [findings] = detector.detect([text])
    assert findings == []


def test_spacy_organisation_drops_department(nlp: Language) -> None:
    text = "Seen at Mercy General cardiology clinic last week."
    entities = SpacyEntityTagger(nlp).tag([text])[0]
    findings = findings_from_entities(text, entities, AllowList())
    organisations = [text[f.start : f.end] for f in findings]
    assert organisations == ["Mercy General"]


@pytest.mark.parametrize(
    "text",
    [
        "Transferred from LAKESHORE REGIONAL\nMEDICAL CENTER\nCT CHEST",
        "LAKESHORE REGIONAL\nMEDICAL CENTER\n123 Main St",
    ],
    ids=["after from", "header block"],
)
def test_wrapped_facility_name_not_leaked(detector: PresidioDetector, text: str) -> None:
    [findings] = detector.detect([text])
    start = text.index("LAKESHORE")
    assert any(f.start <= start and start + len("LAKESHORE REGIONAL") <= f.end for f in findings)
    assert "CT CHEST" not in " ".join(text[f.start : f.end] for f in findings)


def test_drive_after_street_is_not_a_title(detector: PresidioDetector) -> None:
    text = "Lives at 4 Oak Dr. Then left for work."
    [findings] = detector.detect([text])
    assert all(f.entity_type is not EntityType.PERSON for f in findings)
    assert any("4 Oak Dr" in text[f.start : f.end] for f in findings)
