"""Numbers and codes that identify a person: SSN, record, plan, account, licence, vehicle,
device, biometric and photo identifiers, and any other number introduced as an ID."""

from __future__ import annotations

import re

from detectors.findings import EntityType
from detectors.recognizers.patterns import ValuePattern, alternation

_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"

# Words that may sit between a label and its value: "SSN on file is 402-19-8877",
# "filed under MRN #2280", "member ID no. AB-1234".
_FILLER = (
    r"(?:\s*(?:[:#=(]|\.(?!\w)|\b(?:is|was|on|file|number|no|num|nbr|id|ending|in|as|"
    r"reads|listed|under|at|for|the|template|sample|scan|code)\b)){0,6}\s*"
)
# An identifier token: letters, digits and inner dashes, slashes or dots.
_TOKEN = rf"[A-Z0-9](?:[A-Z0-9]|[{_DASHES}](?=[A-Z0-9]))*"

_LABELS: dict[EntityType, str] = {
    EntityType.US_SSN: "ssn|ss#|ss #|ss no|social security number|social security no|"
    "social security|social|soc sec|ssn#",
    EntityType.MEDICAL_RECORD_NUMBER: "mrn|mrn#|mr#|mr #|mr no|med rec|med rec #|med rec no|"
    "medical record|medical records|medical record number|medical record no|record|record number|"
    "record no|record #|chart|chart number|chart no|chart #|csn|fin|fin#|har|encounter|"
    "encounter number|encounter id|encounter no|enc|visit|visit number|visit id|visit no|"
    "admission number|hospital number|unit number|patient id|patient number|patient no|"
    "patient #|pt id|pt #|pt no|case|case number|case no|case #|case id|emr|ehr|ehr id|"
    "registration|accession|accession number|accession no|specimen|specimen id|specimen no|"
    "lab id|requisition",
    EntityType.HEALTH_PLAN_NUMBER: "member id|member number|member no|member #|membership|"
    "membership number|subscriber|subscriber id|subscriber number|policy|policy number|"
    "policy no|policy #|policy id|insurance|insurance id|insurance number|insurance #|"
    "insurance no|group number|group no|group #|medicare|medicare id|medicare number|"
    "medicare #|mbi|medicaid|medicaid id|medicaid number|medicaid #|health plan|"
    "health plan id|health plan number|plan id|plan number|plan #|beneficiary|"
    "beneficiary id|beneficiary number|hicn|insured id|coverage id|payer id|"
    "insurance member id|hmo|ppo|bcbs|blue cross|aetna|cigna|humana|united healthcare",
    EntityType.ACCOUNT_NUMBER: "acct|acct#|acct no|account|account number|account no|"
    "account #|billing|billing account|billing number|billing #|bank account|invoice|"
    "invoice number|routing|routing number|card number|claim|claim number|claim no|claim #",
    EntityType.LICENSE_NUMBER: "license|licence|license number|licence number|license no|"
    "license #|lic|lic #|lic no|dea|dea number|dea #|dea no|npi|npi number|npi #|npi no|"
    "driver's license|drivers license|driver license|driver's licence|dl|dl#|dl #|"
    "certificate|certificate number|certificate no|certificate #|cert|cert #|cert no|"
    "board certification|state license|medical license|nursing license|clia|passport|"
    "passport number|passport no|passport #|credential|credential number|"
    "registration number|permit|permit number",
    EntityType.VEHICLE_ID: "license plate|licence plate|plate|plate number|plate #|tag|"
    "tag number|vin|vin#|vehicle identification number|vehicle id|vehicle",
    EntityType.DEVICE_ID: "serial|serial number|serial no|serial #|s/n|sn|sn#|device|"
    "device id|device identifier|device serial|device number|udi|unique device identifier|"
    "lot|lot number|lot no|lot #|model number|model #|implant id|pacemaker|pacemaker serial|"
    "icd serial|pump serial|imei|mac address|mac|asset tag|hardware id|meid",
    EntityType.BIOMETRIC_ID: "fingerprint|fingerprint id|fingerprint template|retina scan|"
    "retinal scan|iris scan|iris template|voiceprint|voice print|biometric|biometric id|"
    "biometric template|palm print|palmprint|dna profile|genetic profile id|face template|"
    "faceprint|gait signature",
    EntityType.PHOTO: "photo|photo id|photograph|photo file|image|image id|image file|"
    "picture|headshot|selfie|portrait|face photo|wound photo",
    EntityType.ID: "id|id#|id #|id no|identifier|identification|identification number|ref|"
    "reference|reference number|reference no|ref no|ref #|order|order number|order no|"
    "order #|study id|subject id|participant id|enrollment id|trial id|badge|badge number|"
    "employee id|employee number|staff id|confirmation|confirmation number|ticket|"
    "tracking number|study code|enrollment code|participant code|subject code|voucher|file number|file no|docket|record locator|site id|rx|rx#|rx #|"
    "prescription number|prescription #",
}


# Values a label may be followed by that are not identifiers: a year, a dashed date.
_NOT_AN_IDENTIFIER = re.compile(
    rf"#?(?:(?:19|20)\d\d|\d{{1,2}}[{_DASHES}]\d{{1,2}}[{_DASHES}]\d{{2,4}})"
)


def _is_identifier(match: re.Match[str]) -> bool:
    value = match.group("value")
    if _NOT_AN_IDENTIFIER.fullmatch(value):
        return False
    return len(value) >= 4 and sum(character.isdigit() for character in value) >= 2


def _labelled(entity_type: EntityType, score: float) -> ValuePattern:
    """Build the pattern for a value right after one of the type's labels."""
    regex = re.compile(
        rf"(?<![\w-]){alternation(_LABELS[entity_type])}(?![\w]){_FILLER}"
        rf"(?P<value>#?{_TOKEN})(?![\w])",
        re.IGNORECASE,
    )
    return ValuePattern(
        f"labelled_{entity_type.value.lower()}", entity_type, regex, score, _is_identifier
    )


LABELLED_PATTERNS = tuple(
    _labelled(entity_type, 0.9 if entity_type is not EntityType.ID else 0.8)
    for entity_type in _LABELS
)

# Values in a label's own shape that a site types without a label.
_SSN = rf"(?<![\w{_DASHES}])\d{{3}}[{_DASHES}]\d{{2}}[{_DASHES}]\d{{4}}(?![\w{_DASHES}])"

# The Medicare Beneficiary Identifier: 11 characters, letters from a set without S, L, O,
# I, B and Z, optionally grouped 4-3-4 with dashes.
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI = (
    rf"\b[1-9]{_MBI_LETTER}[{_MBI_LETTER[1:-1]}0-9]\d-?{_MBI_LETTER}[{_MBI_LETTER[1:-1]}0-9]\d-?"
    rf"{_MBI_LETTER}{{2}}\d{{2}}\b"
)

# Units that follow a number in a dose or a lab value, so "5000IU" is not an identifier.
_UNIT_SUFFIXES = frozenset(
    [
        "IU",
        "U",
        "MG",
        "MCG",
        "UG",
        "G",
        "KG",
        "ML",
        "L",
        "DL",
        "MEQ",
        "MMOL",
        "MOL",
        "MM",
        "CM",
        "M",
        "MIN",
        "H",
        "HR",
        "HRS",
        "S",
        "MS",
        "K",
        "X",
        "MU",
        "AU",
        "BPM",
    ]
)


def _not_a_dose(match: re.Match[str]) -> bool:
    letters = match.group().lstrip("#").lstrip("0123456789").lstrip(_DASHES.replace("\\", ""))
    return letters.upper() not in _UNIT_SUFFIXES


def _enough_digits(match: re.Match[str]) -> bool:
    return sum(character.isdigit() for character in match.group()) >= 4


def _not_a_range(match: re.Match[str]) -> bool:
    """Reject "1000-2000" style ranges of round numbers, which doses and counts use."""
    parts = re.split(f"[{_DASHES}]", match.group())
    return not all(part.endswith("00") for part in parts)


def _is_valid_vin(match: re.Match[str]) -> bool:
    """Check the North American VIN check digit at position 9."""
    vin = match.group().upper()
    values = {str(digit): digit for digit in range(10)}
    for letters, start in (("ABCDEFGH", 1), ("JKLMN", 1), ("STUVWXYZ", 2)):
        for offset, letter in enumerate(letters):
            values[letter] = start + offset
    values["P"], values["R"] = 7, 9
    weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    total = sum(values[character] * weight for character, weight in zip(vin, weights))
    check = "X" if total % 11 == 10 else str(total % 11)
    return vin[8] == check and any(character.isdigit() for character in vin)


def _is_valid_dea(match: re.Match[str]) -> bool:
    """Check the DEA registration number check digit (seventh digit)."""
    digits = [int(character) for character in match.group()[2:]]
    total = digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])
    return total % 10 == digits[6]


SHAPED_PATTERNS = (
    # An SSN a few words after its label, with any separator ("SSN as written: 402 19 8877").
    ValuePattern(
        "ssn_after_label",
        EntityType.US_SSN,
        re.compile(
            rf"(?i:ssn|social\s+security)[^\d\n]{{0,40}}?(?P<value>\d{{3}}[\s.{_DASHES}]?\d{{2}}"
            rf"[\s.{_DASHES}]?\d{{4}})(?!\d)"
        ),
        0.9,
    ),
    # A record number glued to its label inside a longer token ("chartMRN04857211").
    ValuePattern(
        "glued_record_number",
        EntityType.MEDICAL_RECORD_NUMBER,
        re.compile(r"(?i:mrn|mr#|csn|fin|acct)[:#]?(?P<value>\d{4,})(?!\d)"),
        0.85,
    ),
    ValuePattern("ssn_dashed", EntityType.US_SSN, re.compile(_SSN), 0.85),
    ValuePattern("medicare_mbi", EntityType.HEALTH_PLAN_NUMBER, re.compile(_MBI), 0.85),
    ValuePattern(
        "vin",
        EntityType.VEHICLE_ID,
        re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b"),
        0.9,
        _is_valid_vin,
    ),
    ValuePattern(
        "dea", EntityType.LICENSE_NUMBER, re.compile(r"\b[A-Z][A-Z9]\d{7}\b"), 0.8, _is_valid_dea
    ),
    # GS1 unique device identifiers: (01) and a 14-digit GTIN, then production identifiers.
    ValuePattern(
        "udi_gs1",
        EntityType.DEVICE_ID,
        re.compile(r"\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9\-]+)*"),
        0.9,
    ),
    # Letter prefixes with digits ("MX-456789", "#SC987654", "SN-CG5-881207X").
    ValuePattern(
        "prefixed_code",
        EntityType.ID,
        re.compile(
            rf"(?<![\w{_DASHES}])#?[A-Z]{{1,5}}(?:[{_DASHES}]?[A-Z0-9]*\d[A-Z0-9]*){{1,3}}"
            rf"(?![\w{_DASHES}])"
        ),
        0.6,
        _enough_digits,
    ),
    ValuePattern(
        "digits_then_letters",
        EntityType.ID,
        re.compile(rf"(?<![\w{_DASHES}.])#?\d{{4,}}[{_DASHES}]?[A-Z]{{1,4}}(?![\w{_DASHES}])"),
        0.6,
        _not_a_dose,
    ),
    ValuePattern(
        "long_number",
        EntityType.ID,
        re.compile(r"(?<![\w.,/\-])#?\d{7,}(?![\w,/\-]|\.\d)"),
        0.6,
    ),
    ValuePattern(
        "grouped_number",
        EntityType.ID,
        re.compile(
            rf"(?<![\w./{_DASHES}])#?\d{{3,6}}[{_DASHES}]\d{{3,6}}(?:[{_DASHES}]\d{{2,6}})?"
            rf"(?![\w./{_DASHES}])"
        ),
        0.6,
        _not_a_range,
    ),
    # Image files attached to a record are photographs of the patient.
    ValuePattern(
        "image_file",
        EntityType.PHOTO,
        re.compile(r"\b[\w\-]+\.(?:jpe?g|png|heic|gif|bmp|tiff?|dcm)\b", re.IGNORECASE),
        0.8,
    ),
)

IDENTIFIER_PATTERNS = LABELLED_PATTERNS + SHAPED_PATTERNS
