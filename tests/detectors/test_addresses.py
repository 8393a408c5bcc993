"""International addresses, address blocks, postal codes, travel places and phone forms."""

from __future__ import annotations

import pytest

from detectors.findings import EntityType, Finding
from detectors.presidio_detector import PresidioDetector

# (text, value that must be covered by one finding)
ADDRESS_FORMS = [
    ("Patient lives at 12 Rua das Flores 340, Curitiba.", "Rua das Flores 340"),
    ("Patient lives at 12 Rua das Flores 340, Curitiba.", "Curitiba"),
    ("Mailing address: ul. Lipowa 7, Lublin.", "ul. Lipowa 7"),
    ("Daughter stays at 9 rue des Tilleuls, Dijon.", "9 rue des Tilleuls"),
    ("Home: Kastanjevej 14, Odense.", "Kastanjevej 14"),
    ("Forwarded to Mariahilfer Strasse 88 in Vienna.", "Mariahilfer Strasse 88"),
    ("Sister's flat is at Aleksanterinkatu 21.", "Aleksanterinkatu 21"),
    ("Ship to PSC 4120, Box 2231\nAPO AE 09021 please.", "PSC 4120, Box 2231\nAPO AE 09021"),
    ("Ambulance waited at the corner of Elm Street and 5th Avenue.", "Elm Street and 5th Avenue"),
    ("Her new address is 407 Larkspur Court.", "407 Larkspur Court"),
    ("Postal code: 2100 per the intake form.", "2100"),
    ("Zip code is 60614-2207.", "60614-2207"),
    ("Postcode: SW1A 2AA", "SW1A 2AA"),
    ("Postal code: K1A 0B6", "K1A 0B6"),
    ("Moved in with family in Ribe 6760 last spring.", "6760"),
    ("The patient flew to Reykjavík on Monday.", "Reykjavík"),
    ("Grew up in TRONDHEIM before emigrating.", "TRONDHEIM"),
    ("Call me on 612 448 390 after lunch.", "612 448 390"),
    ("Contact:\n0471 22 83 91 mobile\n+1 312 555 0187 office", "0471 22 83 91"),
]

ADDRESS_BLOCK = (
    "Referral letter\n"
    "Ingrid Solberg\n"
    "48 Fjordveien 12\n"
    "Apt. 4B\n"
    "Bergen\n"
    "Norway 5003\n"
    "Phone: 555 201 7788\n"
)


def _covered(findings: list[Finding], start: int, end: int) -> bool:
    return any(finding.start <= start and end <= finding.end for finding in findings)


@pytest.mark.parametrize(("text", "value"), ADDRESS_FORMS, ids=[v for _, v in ADDRESS_FORMS])
def test_address_form_found(detector: PresidioDetector, text: str, value: str) -> None:
    start = text.index(value)
    [findings] = detector.detect([text])
    assert _covered(findings, start, start + len(value))


@pytest.mark.parametrize(
    "value",
    ["48 Fjordveien 12", "Apt. 4B", "Bergen", "5003", "555 201 7788"],
    ids=["street", "unit", "city", "postal", "phone"],
)
def test_address_block_lines_found(detector: PresidioDetector, value: str) -> None:
    start = ADDRESS_BLOCK.index(value)
    [findings] = detector.detect([ADDRESS_BLOCK])
    assert _covered(findings, start, start + len(value))


def test_address_block_postal_is_zip(detector: PresidioDetector) -> None:
    start = ADDRESS_BLOCK.index("5003")
    [findings] = detector.detect([ADDRESS_BLOCK])
    covering = [f for f in findings if f.start <= start and start + 4 <= f.end]
    assert [finding.entity_type for finding in covering] == [EntityType.ZIP_CODE]


def test_address_block_keeps_country_and_heading(detector: PresidioDetector) -> None:
    [findings] = detector.detect([ADDRESS_BLOCK])
    values = [ADDRESS_BLOCK[finding.start : finding.end] for finding in findings]
    assert "Norway" not in values
    assert not any("Referral" in value for value in values)


LEFT_ALONE = [
    "Returned to PACU in stable condition.",
    "Moved to 2 L nasal cannula overnight.",
    "Dose given in Room 1234 today.",
    "Seen in clinic in 2019 and again in 2021.",
    "As et al. 2019 reported, 20 cases got it via IV 2 times.",
    "Lesion at the corner of the mouth and lip, 3 mm.",
    "Every morning 2 tablets during 3 weeks.",
]


@pytest.mark.parametrize("text", LEFT_ALONE, ids=[text[:24] for text in LEFT_ALONE])
def test_non_address_text_left_alone(detector: PresidioDetector, text: str) -> None:
    [findings] = detector.detect([text])
    assert [text[finding.start : finding.end] for finding in findings] == []
