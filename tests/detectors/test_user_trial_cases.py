"""Portal-message and report-header forms: lower-case dates and addresses, labelled numbers,
facility spans and facilities that NER tags as people."""

from __future__ import annotations

import pytest

from detectors.findings import EntityType, Finding
from detectors.presidio_detector import PresidioDetector


def _finding_over(findings: list[Finding], start: int, end: int) -> Finding | None:
    for finding in findings:
        if finding.start <= start and end <= finding.end:
            return finding
    return None


def _found_text(text: str, findings: list[Finding]) -> list[str]:
    return [text[finding.start : finding.end] for finding in findings]


# (text, value that must be covered by a DATE finding)
LOWER_CASE_DATES = [
    ("can we push my visit to march 9? work is busy", "march 9"),
    ("the rash came back around the 2nd of march", "2nd of march"),
    ("my last shot was may 21st i think", "may 21st"),
    ("bloodwork done on may 6, results pending", "may 6"),
    ("she fell feb 11th going down the stairs", "feb 11th"),
    ("headaches started mar. 17 2023", "mar. 17 2023"),
    ("it got worse on the 22nd", "the 22nd"),
    ("stitches out since the ninth of may", "the ninth of may"),
]


@pytest.mark.parametrize(
    ("text", "value"), LOWER_CASE_DATES, ids=[value for _, value in LOWER_CASE_DATES]
)
def test_lower_case_date_found(detector: PresidioDetector, text: str, value: str) -> None:
    start = text.index(value)
    [findings] = detector.detect([text])
    finding = _finding_over(findings, start, start + len(value))
    assert finding is not None
    assert finding.entity_type is EntityType.DATE


# "may" and "march" as a verb or before a count are not dates.
NOT_DATES = [
    "you may 2 tabs at night if the pain is bad",
    "the parade will march 5 miles past the clinic",
    "patient may need 3 units of blood",
]


@pytest.mark.parametrize("text", NOT_DATES, ids=["may-tabs", "march-miles", "may-units"])
def test_month_word_as_verb_not_date(detector: PresidioDetector, text: str) -> None:
    [findings] = detector.detect([text])
    assert [finding for finding in findings if finding.entity_type is EntityType.DATE] == []


# (text, street value, city value or None)
LOWER_CASE_ADDRESSES = [
    ("hi, i'm at 118 willow st in lakeport now", "118 willow st", "lakeport"),
    ("mail it to 7 n harbor rd, apt 4 please", "7 n harbor rd, apt 4", None),
    ("we moved to 2290 quarry ln glendale", "2290 quarry ln", "glendale"),
    ("new address 45 birchwood dr brookfield is where i am", "45 birchwood dr", "brookfield"),
]


@pytest.mark.parametrize(
    ("text", "street", "city"),
    LOWER_CASE_ADDRESSES,
    ids=[street for _, street, _ in LOWER_CASE_ADDRESSES],
)
def test_lower_case_address_found(
    detector: PresidioDetector, text: str, street: str, city: str | None
) -> None:
    [findings] = detector.detect([text])
    street_start = text.index(street)
    assert _finding_over(findings, street_start, street_start + len(street)) is not None
    if city is not None:
        city_start = text.index(city)
        assert _finding_over(findings, city_start, city_start + len(city)) is not None


NOT_ADDRESSES = [
    "walked 3 blocks down the road before the pain started",
    "gave 2 doses of ceftriaxone iv push st",
]


@pytest.mark.parametrize("text", NOT_ADDRESSES, ids=["blocks-road", "doses-stat"])
def test_counted_words_not_address(detector: PresidioDetector, text: str) -> None:
    [findings] = detector.detect([text])
    assert findings == []


def test_street_then_sentence_adds_no_city(detector: PresidioDetector) -> None:
    text = "drop the forms at 12 cedar dr. thanks a lot"
    [findings] = detector.detect([text])
    assert _found_text(text, findings) == ["12 cedar dr."]


# Labelled identifiers whose digits also fit a phone number pattern.
LABELLED_NUMBERS = [
    ("Ordering provider NPI 1467583920", "1467583920", EntityType.LICENSE_NUMBER),
    ("NPI: 1902837465 / tel 555-201-7788", "1902837465", EntityType.LICENSE_NUMBER),
    ("MRN 6175550144 confirmed at check-in", "6175550144", EntityType.MEDICAL_RECORD_NUMBER),
    ("Acct # 312-555-0100 billed", "312-555-0100", EntityType.ACCOUNT_NUMBER),
]


@pytest.mark.parametrize(
    ("text", "value", "entity_type"),
    LABELLED_NUMBERS,
    ids=["npi", "npi-colon", "mrn", "account"],
)
def test_labelled_number_keeps_label_type(
    detector: PresidioDetector, text: str, value: str, entity_type: EntityType
) -> None:
    start = text.index(value)
    [findings] = detector.detect([text])
    finding = _finding_over(findings, start, start + len(value))
    assert finding is not None
    assert finding.entity_type is entity_type


def test_phone_without_label_stays_phone(detector: PresidioDetector) -> None:
    text = "NPI: 1902837465 / tel 555-201-7788"
    start = text.index("555-201-7788")
    [findings] = detector.detect([text])
    finding = _finding_over(findings, start, start + len("555-201-7788"))
    assert finding is not None
    assert finding.entity_type is EntityType.PHONE_NUMBER


# (text, facility value, neighbouring words that must stay outside every finding)
FACILITY_SPANS = [
    (
        "Site: Harborview Regional Medical Center\nMRI LUMBAR SPINE WITH CONTRAST",
        "Harborview Regional Medical Center",
        "MRI LUMBAR SPINE",
    ),
    (
        "Ultrasound Report\nGreenfield Community Hospital\nRIGHT UPPER QUADRANT",
        "Greenfield Community Hospital",
        "RIGHT UPPER QUADRANT",
    ),
    ("Plan: Follow Mayo Clinic guidance for taper.", "Mayo Clinic", "Follow"),
    ("Recommendations:\n- Continue Cleveland Clinic regimen", "Cleveland Clinic", "Continue"),
]


@pytest.mark.parametrize(
    ("text", "facility", "outside"),
    FACILITY_SPANS,
    ids=["exam-title-below", "report-title-above", "plan-verb", "bullet-verb"],
)
def test_facility_span_stays_on_name(
    detector: PresidioDetector, text: str, facility: str, outside: str
) -> None:
    [findings] = detector.detect([text])
    start = text.index(facility)
    assert _finding_over(findings, start, start + len(facility)) is not None
    outside_start = text.index(outside)
    outside_end = outside_start + len(outside)
    overlapping = [
        finding
        for finding in findings
        if finding.start < outside_end and outside_start < finding.end
    ]
    assert overlapping == []


def test_wrapped_facility_name_kept_whole(detector: PresidioDetector) -> None:
    text = "Transferred from Harborview Regional\nMedical Center\nCT CHEST"
    [findings] = detector.detect([text])
    value = "Harborview Regional\nMedical Center"
    start = text.index(value)
    assert _finding_over(findings, start, start + len(value)) is not None
    assert "CT CHEST" not in " ".join(_found_text(text, findings))


@pytest.mark.parametrize(
    "text",
    [
        "Transferred from Beth Israel Deaconess for catheterization.",
        "Records requested from Beth Israel Deaconess Medical Center today.",
    ],
    ids=["known-name", "care-word-after"],
)
def test_facility_tagged_person_is_facility(detector: PresidioDetector, text: str) -> None:
    start = text.index("Beth Israel Deaconess")
    [findings] = detector.detect([text])
    finding = _finding_over(findings, start, start + len("Beth Israel Deaconess"))
    assert finding is not None
    assert finding.entity_type is EntityType.ORGANIZATION


def test_prose_after_address_is_not_a_place(detector: PresidioDetector) -> None:
    text = "Address: 1428 Elm Street\nPotassium low, started supplements.\nSacramento, CA 95816"
    [findings] = detector.detect([text])

    found = " ".join(_found_text(text, findings))
    assert "1428 Elm Street" in found
    assert "started supplements" not in found


@pytest.mark.parametrize(
    "text", ["Fax: (617) 555-0123 ext. 45.", "Fax (617) 555-0123"], ids=["colon", "no-colon"]
)
def test_fax_with_area_code_brackets(detector: PresidioDetector, text: str) -> None:
    [findings] = detector.detect([text])

    assert [f.entity_type for f in findings] == [EntityType.FAX_NUMBER]
    assert "555-0123" in text[findings[0].start : findings[0].end]
