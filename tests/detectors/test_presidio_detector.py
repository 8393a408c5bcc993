"""The clinical detector on synthetic notes: every identifier form, spans and the allow-list."""

from __future__ import annotations

import pytest
from spacy.language import Language

from detectors.base import Detector
from detectors.findings import EntityType, Finding
from detectors.presidio_detector import PresidioDetector

# (text, value that must be covered by a finding)
IDENTIFIER_FORMS = [
    ("Patient: SMITH, JOHN A was admitted.", "SMITH, JOHN A"),
    ("Seen by Dr. Okonkwo-Bello today.", "Okonkwo-Bello"),
    ("Discussed with Anna S. at the bedside.", "Anna S."),
    ("Cosigned by J. Patterson.", "J. Patterson"),
    ("Mrs. O'Malley reports dizziness.", "O'Malley"),
    ("hi dr nguyen, this is priya sharma writing about my son", "priya sharma"),
    ("Her daughter Grace will drive her home.", "Grace"),
    ("Pt goes by 'Buddy' on the ward.", "Buddy"),
    ("Lives at 4417 Old Kettle Rd Apt 3B with his wife.", "4417 Old Kettle Rd Apt 3B"),
    ("Home in Fresno, CA 93726-1204 since 2010.", "Fresno"),
    ("Home in Fresno, CA 93726-1204 since 2010.", "93726-1204"),
    (
        "Transferred from Riverside Regional Medical Center overnight.",
        "Riverside Regional Medical Center",
    ),
    ("Follow-up at St. Agnes's next week.", "St. Agnes's"),
    ("Admitted 03/14/2024 and discharged 2024-03-18.", "03/14/2024"),
    ("Admitted 03/14/2024 and discharged 2024-03-18.", "2024-03-18"),
    ("Surgery on the third of July went well.", "the third of July"),
    ("Last seen March 14th; labs on 20240314.", "March 14th"),
    ("Last seen March 14th; labs on 20240314.", "20240314"),
    ("Symptoms since 03/2024.", "03/2024"),
    ("A 93-year-old woman with CHF.", "93"),
    ("She was born in 1929 in a farmhouse.", "1929"),
    ("Ph:6175550199 after 5 pm.", "6175550199"),
    ("Call +1 (617) 555-0199 ext. 42.", "+1 (617) 555-0199 ext. 42"),
    ("Fax 617.555.0123 to the office.", "617.555.0123"),
    ("Write to jo.lee+clinic@example.org please.", "jo.lee+clinic@example.org"),
    ("Portal: https://mychart.example.org/p/12345", "https://mychart.example.org/p/12345"),
    ("Pump reached 10.20.30.40 and 2001:db8::7334.", "10.20.30.40"),
    ("Pump reached 10.20.30.40 and 2001:db8::7334.", "2001:db8::7334"),
    ("SSN 402\u201319\u20138877 on file.", "402\u201319\u20138877"),
    ("Social security number is 402198877.", "402198877"),
    ("Med Rec # 00482913, CSN 7723001, FIN: A99812.", "00482913"),
    ("Med Rec # 00482913, CSN 7723001, FIN: A99812.", "7723001"),
    ("Med Rec # 00482913, CSN 7723001, FIN: A99812.", "A99812"),
    ("Medicare MBI 1EG4-TE5-MK73 verified.", "1EG4-TE5-MK73"),
    ("Member ID: XKJ882100431 with Aetna.", "XKJ882100431"),
    ("Acct #: 55102234 billed.", "55102234"),
    ("DEA AB1234563, NPI 1245319599.", "AB1234563"),
    ("Driver's license D1234-5678-9012 was copied.", "D1234-5678-9012"),
    ("Car VIN 1HGCM82633A004352 in the lot.", "1HGCM82633A004352"),
    ("Pacemaker serial PJN4452187 interrogated.", "PJN4452187"),
    ("UDI (01)00643169007222(17)250101 recorded.", "(01)00643169007222(17)250101"),
    ("Fingerprint template FP-99812 enrolled.", "FP-99812"),
    ("Wound photo IMG_4471.jpg attached.", "IMG_4471.jpg"),
    ("Study ID: TRX-00917 consented.", "TRX-00917"),
]


def _covered(findings: list[Finding], start: int, end: int) -> bool:
    return any(finding.start <= start and end <= finding.end for finding in findings)


@pytest.mark.parametrize(("text", "value"), IDENTIFIER_FORMS, ids=[v for _, v in IDENTIFIER_FORMS])
def test_identifier_form_found(detector: PresidioDetector, text: str, value: str) -> None:
    start = text.index(value)
    [findings] = detector.detect([text])
    assert _covered(findings, start, start + len(value))


CLINICAL_TEXT = [
    "Parkinson's disease with a positive Babinski sign and GCS 15.",
    "Hodgkin lymphoma, Gleason 3+4=7, Apgar 8 and 9.",
    "K 3.5-5.0 mmol/L, BP 120/80, HR 72, SpO2 98% on room air.",
    "Started metformin 500 mg twice daily and Eliquis 5 mg.",
    "ICD-10 E11.9, CPT 99213, LOINC 4548-4, RxNorm 860975.",
    "A 67-year-old man diagnosed in 2019 with COPD.",
    "Moved from Texas last year; no travel outside the United States.",
    "High CHA2DS2-VASc score and HAS-BLED of 3; Wells score low.",
    "Vitamin D 5000IU daily; hepatitis B vaccine series complete.",
]


@pytest.mark.parametrize("text", CLINICAL_TEXT, ids=[text[:24] for text in CLINICAL_TEXT])
def test_clinical_text_left_alone(detector: PresidioDetector, text: str) -> None:
    [findings] = detector.detect([text])
    assert [text[finding.start : finding.end] for finding in findings] == []


def test_detector_protocol(detector: PresidioDetector) -> None:
    assert isinstance(detector, Detector)
    assert detector.name == "presidio"


def test_batch_keeps_order(detector: PresidioDetector) -> None:
    texts = ["No PHI here.", "Call 617-555-0199.", ""]
    results = detector.detect(texts)
    assert len(results) == 3
    assert results[0] == []
    assert [finding.entity_type for finding in results[1]] == [EntityType.PHONE_NUMBER]
    assert results[2] == []


def test_adjacent_phones_stay_separate(detector: PresidioDetector) -> None:
    text = "Phones: 555-0101 555-0102"
    [findings] = detector.detect([text])
    assert [text[f.start : f.end] for f in findings] == ["555-0101", "555-0102"]


@pytest.mark.parametrize(
    "prefix",
    ["\U0001f600\U0001f600 ", "Cafe\u0301 na\u0308ive ", "Line one\r\nLine two\r\n"],
    ids=["astral", "combining", "crlf"],
)
def test_offsets_survive_unicode(detector: PresidioDetector, prefix: str) -> None:
    text = prefix + "Seen by Dr. Whitfield on 03/14/2024."
    [findings] = detector.detect([text])
    values = [text[finding.start : finding.end] for finding in findings]
    assert "Whitfield" in values
    assert "03/14/2024" in values


def test_long_text_processed_in_chunks(nlp: Language) -> None:
    detector = PresidioDetector(nlp, chunk_chars=600)
    filler = "The patient tolerated the procedure without complications. " * 40
    text = filler + "Seen by Dr. Whitfield on 03/14/2024. " + filler + "Call 617-555-0199."
    [findings] = detector.detect([text])
    values = {text[finding.start : finding.end] for finding in findings}
    assert {"Whitfield", "03/14/2024", "617-555-0199"} <= values


def test_rescan_ignores_placeholders(detector: PresidioDetector) -> None:
    text = "Seen by Dr. [PERSON_1] at [FACILITY_2] on [DATE_1]; call [PHONE_1] or [ZIP]."
    [findings] = detector.detect([text])
    assert findings == []


def test_site_allow_terms(nlp: Language) -> None:
    detector = PresidioDetector(nlp, allow_terms=["Riverbend Clinic"])
    [findings] = detector.detect(["Referred to Riverbend Clinic for PT."])
    assert findings == []


def test_builtin_allow_list_always_on(nlp: Language) -> None:
    detector = PresidioDetector(nlp, allow_terms=["Something Else"])
    [findings] = detector.detect(["Crohn's disease flare treated with Humira."])
    assert findings == []


def test_deny_terms_always_found(nlp: Language) -> None:
    detector = PresidioDetector(nlp, deny_terms=[("bluebird unit", EntityType.LOCATION)])
    text = "Moved to the BLUEBIRD UNIT; bluebird units elsewhere."
    [findings] = detector.detect([text])
    assert [(f.entity_type, text[f.start : f.end]) for f in findings] == [
        (EntityType.LOCATION, "BLUEBIRD UNIT")
    ]
