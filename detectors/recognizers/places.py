"""Geography smaller than a state: street addresses, ZIP codes, cities and care facilities."""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from detectors.findings import EntityType
from detectors.gazetteers import cities, facilities
from detectors.recognizers.patterns import UPPER, ValuePattern

STREET_SUFFIXES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl|"
    "terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|loop|path|pike|row|"
    "alley|plaza|crescent|close|expressway|freeway|turnpike|route|rte|str"
)
_CAPITALISED = r"[A-Z][A-Za-z'’.\-]*"
_NUMBERED_STREET = r"\d{1,3}(?:st|nd|rd|th)"
_UNIT = (
    r"(?:apt|apartment|unit|suite|ste|floor|fl|room|rm|bldg|building|#)\.?\s*#?\s*[A-Z0-9\-]{1,6}\b"
)

_STREET = (
    rf"\b(?:\d{{1,6}}\s+)?\d{{1,6}}[A-Z]?(?:-\d{{1,4}})?\s+(?:[NSEW]\.?\s+|(?:North|South|East|West)\s+)?"
    rf"(?:(?:{_CAPITALISED}|{_NUMBERED_STREET})\s+){{1,4}}(?i:{STREET_SUFFIXES})\b\.?"
    rf"(?:,?\s*(?i:{_UNIT}))?"
)
# Portal messages write streets in lower case ("22 oak st"). This form leaves out the street
# types that often follow a number in plain English ("way", "place", "court"), and no word in
# between may be a stop word, so "walked 2 blocks down the road" stays.
_LOWER_CASE_SUFFIX = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|ct|terrace|ter|pkwy|"
    "parkway|hwy|highway|cir|trl|pl"
)
_LOWER_CASE_WORD = rf"(?!(?:{'|'.join(sorted(STOP_WORDS))})\b)[a-z][a-z'’\-]*"
_LOWER_CASE_STREET = (
    rf"(?<![\w.,/\-])\d{{1,6}}[a-z]?[ \t]+(?:[nsew]\.?[ \t]+)?"
    rf"(?:(?:{_LOWER_CASE_WORD}|{_NUMBERED_STREET})[ \t]+){{1,3}}(?:{_LOWER_CASE_SUFFIX})\b\.?"
    rf"(?:,?[ \t]*(?i:{_UNIT}))?"
)
_PO_BOX = r"\b(?i:p\.?\s?o\.?\s+box|post\s+office\s+box|postbox|post\s+box)\s+\d{1,6}\b"
_UNIT_ALONE = r"\b(?i:apt|apartment|unit|suite|ste)\.?\s*#?\s*[A-Z0-9\-]*\d[A-Z0-9\-]*\b"

_STATE_CODES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR"
)
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    "Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"
    "Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|"
    "Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
_STATE = rf"(?:(?:{_STATE_CODES})\b|{_STATE_NAMES})"
_CITY_WORDS = r"[A-Z][a-z'’.\-]+(?:[ \t]+[A-Z][a-z'’.\-]+){0,2}"

_ZIP = r"\d{5}(?:[\-\u2013]\d{4})?"

# Words that end the name of a care facility ("Riverside Medical Center", "Miami General").
# The facility patterns join words with spaces or tabs only, so a heading or exam name on the
# next line is not read as part of the name.
_FACILITY_SUFFIX = (
    "hospital|hospitals|medical center|medical centre|health center|health centre|"
    "health system|healthcare|health care|health|clinic|clinics|infirmary|institute|"
    "sanatorium|hospice|nursing home|nursing facility|rehabilitation center|rehab center|"
    "cancer center|cancer institute|heart institute|children's|children’s|general|"
    "university hospital|surgery center|surgical center|urgent care|medical group|"
    "medical associates|family practice|family medicine|pediatrics|care center|"
    "memorial|community hospital|va medical center|medical college|"
    "assisted living|senior living|dialysis center|imaging center|laboratories|labs|"
    "pharmacy|specialists|physicians|associates|practice"
)
_FACILITY = (
    rf"(?:\b(?:St\.?|Saint|Mount|Mt\.?)[ \t]+)?(?:\b[A-Z][A-Za-z'’.\-&]*[ \t]+){{1,4}}"
    rf"(?i:{_FACILITY_SUFFIX})\b(?:[ \t]+(?:of|at|in)[ \t]+[A-Z][A-Za-z'’.\-]*(?:[ \t]+[A-Z][A-Za-z'’.\-]*){{0,2}})?"
)
# The care words that end a facility name, in any case, for rules in other modules.
FACILITY_SUFFIX = rf"(?i:{_FACILITY_SUFFIX})"
# "St. Luke's", "Saint Vincent's": a saint's name in the possessive is a facility name.
_SAINT = r"\b(?:St\.?|Saint)\s+[A-Z][a-z]+(?:'s|’s)(?!\s+wort)(?:\s+(?i:hospital|medical center|clinic|health))?"
_LEADING_FACILITY = (
    r"\b(?:Memorial|General|Regional|Community|University|Children's|Children’s|Veterans)[ \t]+"
    r"(?:[A-Z][A-Za-z'’\-]+[ \t]+){0,3}(?i:hospital|medical center|health|clinic|[A-Z][A-Za-z'’\-]+)"
)


# A capitalised place after a verb of travel or residence: "flew to Tromsø", "grew up in
# ESPOO", "Where: Novo mesto Country Club".
_PLACE_WORD = rf"{UPPER}[\w'’\-]*"
_PLACE_AFTER_TRAVEL = (
    r"\b(?i:flew|flown|flying|drove|arrived|returned|moved(?:\s+here)?|grew\s+up|based|"
    r"lives|living|resides|i'm|i\s+am|we're|we\s+are|home\s+(?:city|town)|where\s*:)"
    rf"\s+(?i:in|to|at|from|of)?\s*(?P<value>{_PLACE_WORD}(?:[ \-]{_PLACE_WORD}){{0,2}})"
)
# Capitals alone below this length are mostly ward and unit abbreviations ("PACU", "MICU").
_MIN_CAPITALS_PLACE = 5


def _is_place_name(match: re.Match[str]) -> bool:
    value = match.group("value")
    if value.lower() in STOP_WORDS:
        return False
    return not value.isupper() or len(value) >= _MIN_CAPITALS_PLACE


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Match any of the words; a space or hyphen inside one matches either ("NY-Presbyterian")."""
    escaped = sorted(
        (re.sub(r"\\[ \-]", r"[\\s\\-]", re.escape(word)) for word in words), key=len, reverse=True
    )
    return re.compile(r"(?<![\w\-])(?:" + "|".join(escaped) + r")(?![\w\-]|'s\b|’s\b)")


def build_place_patterns() -> tuple[ValuePattern, ...]:
    """Compile the place patterns, including the facility and city word lists."""
    return (
        ValuePattern("street", EntityType.STREET_ADDRESS, re.compile(_STREET), 0.85),
        ValuePattern(
            "lower_case_street", EntityType.STREET_ADDRESS, re.compile(_LOWER_CASE_STREET), 0.75
        ),
        ValuePattern("po_box", EntityType.STREET_ADDRESS, re.compile(_PO_BOX), 0.85),
        ValuePattern("unit", EntityType.STREET_ADDRESS, re.compile(_UNIT_ALONE), 0.7),
        ValuePattern(
            "city_before_state",
            EntityType.LOCATION,
            re.compile(rf"\b(?P<value>{_CITY_WORDS}),\s*{_STATE}(?=\W|$)"),
            0.8,
        ),
        ValuePattern(
            "zip_after_state",
            EntityType.ZIP_CODE,
            re.compile(rf"\b{_STATE},?\s+(?P<value>{_ZIP})\b"),
            0.9,
        ),
        ValuePattern(
            "zip_labelled",
            EntityType.ZIP_CODE,
            re.compile(
                rf"\b(?i:zip|zip\s*code|postal\s*code|zipcode)\s*[:#]?\s*(?P<value>{_ZIP})\b"
            ),
            0.9,
        ),
        ValuePattern("facility", EntityType.ORGANIZATION, re.compile(_FACILITY), 0.75),
        ValuePattern("saint_facility", EntityType.ORGANIZATION, re.compile(_SAINT), 0.75),
        ValuePattern(
            "leading_facility", EntityType.ORGANIZATION, re.compile(_LEADING_FACILITY), 0.7
        ),
        ValuePattern("known_facility", EntityType.ORGANIZATION, _words_pattern(facilities()), 0.75),
        # Brand-style names of care providers: "BronxCare", "MedStar", "ChristianaCare".
        ValuePattern(
            "facility_compound",
            EntityType.ORGANIZATION,
            re.compile(r"\b[A-Z][a-z]+(?:Care|Health|Med|Medical|Clinic|Hospital)\b"),
            0.7,
        ),
        ValuePattern(
            "named_site",
            EntityType.LOCATION,
            re.compile(
                r"\b(?i:our|the|their|your)\s+(?P<value>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+"
                r"(?i:office|clinic|campus|location|site|branch|practice|facility)\b"
            ),
            0.7,
        ),
        # Hospital abbreviations end in MC (medical center) or MH (memorial hospital).
        ValuePattern(
            "facility_abbreviation",
            EntityType.ORGANIZATION,
            re.compile(r"\b[A-Z]{1,5}(?:MC|MH)\b"),
            0.7,
        ),
        ValuePattern("known_city", EntityType.LOCATION, _words_pattern(cities()), 0.7),
        ValuePattern(
            "place_after_verb",
            EntityType.LOCATION,
            re.compile(
                r"\b(?i:lives|living|resides|residing|relocated|moved|travell?ed|grew\s+up|"
                r"born|from|visiting|transferred|hometown|town|city|county|village|township)"
                r"\s+(?i:in|to|from|of|at|near)?\s*(?P<value>[A-Z][a-z]+(?:[\s\-][A-Z][a-z]+){0,2})"
                r"(?:\s+(?i:county|parish|township))?"
            ),
            0.6,
        ),
        ValuePattern(
            "place_after_travel",
            EntityType.LOCATION,
            re.compile(_PLACE_AFTER_TRAVEL),
            0.6,
            _is_place_name,
        ),
        ValuePattern(
            "county",
            EntityType.LOCATION,
            re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+(?:County|Parish|Township|Borough)\b"),
            0.8,
        ),
    )
