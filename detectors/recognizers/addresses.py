"""Street addresses written in international forms, military addresses and postal codes.

`places.py` covers the US form ("12 Main St"). The patterns here cover the forms of other
countries, where the street type comes first ("Rua do Sol 12", "ul. Polna 3", "7 rue de
Lyon"), is glued to the name ("Søndergade 52", "Kiannonkatu 98") or follows it as its own
word ("Villacher Strasse 89", "Erzsébet tér 19."), plus APO/FPO/DPO military addresses,
street corners and values introduced as an address.
"""

from __future__ import annotations

import re

from detectors.findings import EntityType
from detectors.recognizers.patterns import LETTER, UPPER, ValuePattern

_WORD = rf"{LETTER}[\w'’\-]*\.?"
_HOUSE_NUMBER = r"\d{1,5}[A-Za-z]?(?:[/\-]\d{1,4}[A-Za-z]?)?\b\.?"
# One or two numbers before a street: "20789 Allika 46" writes a building before the street.
_LEADING_NUMBERS = r"(?:\d{1,6}[A-Za-z]?\s+){0,2}"

# Street types written before the name, in any case ("Rua", "rue", "ul.").
_PREFIX_TYPES = (
    r"(?i:rua|rue|calle|avenida|avda\.|avinguda|carrer|camino|carretera|paseo|passeig|"
    r"ulica|ul\.|aleja|piazza|piazzetta|piazzale|viale|vicolo|strada|corso|travessa|"
    r"estrada|praça|praca|largo|boulevard|boul\.|chemin|allée|impasse|quai|"
    r"οδός|πλατεία|λεωφόρος|улица|ул\.|проспект)"
)
# Short prefixes that are also English words ("via") count only capitalised and before a
# house number.
_CASED_PREFIX_TYPES = r"(?:Via|Av\.?|Plac|Trg|trg|Cesta)"

# Street types that end the street's name as part of one word. The first list is rare at
# the end of an English word, so a lower-case street ("hersnapvej 18") counts too; the
# second ends English words ("during", "Colgate") and counts only in a capitalised word.
_GLUED_TYPES = (
    r"(?:gade|gaden|vej|vejen|veien|vegen|vegur|vägen|väg|gatan|stræde|stræti|straeti|"
    r"straße|strasse|straat|gracht|dreef|katu|kuja|polku|väylä|utca|gasse|allee|braut|stígur)"
)
_CASED_GLUED_TYPES = r"(?:vei|gata|gate|weg|laan|plein|tie|platz|ring|damm|ufer|steig)"
# Street types written as their own word after the name.
_WORD_TYPES = (
    r"(?i:gate|gata|gatan|vej|vei|veien|vegen|vägen|gade|stræde|straße|strasse|str\.|weg|"
    r"laan|straat|tér|utca|u\.|út|körút|tie|tee|katu|kuja|puiestee|maantee|"
    r"gasse|allee|platz|ring|street|str)"
)

_STREET_PREFIX_FIRST = (
    rf"\b{_LEADING_NUMBERS}(?:{_PREFIX_TYPES}\s+(?:{_WORD}\s+){{0,4}}?{_WORD}"
    rf"(?:\s+{_HOUSE_NUMBER}|(?=\s*[,\n]|\s*$))"
    rf"|{_CASED_PREFIX_TYPES}\s+(?:{_WORD}\s+){{0,4}}?{_WORD}\s+{_HOUSE_NUMBER})"
)
_STREET_GLUED = (
    rf"\b{_LEADING_NUMBERS}(?:{UPPER}[\w'’\-]*\s+){{0,2}}"
    rf"(?:{LETTER}[\w'’\-]*{_GLUED_TYPES}|{UPPER}[\w'’\-]*{_CASED_GLUED_TYPES})"
    rf"\.?\s+{_HOUSE_NUMBER}"
)
_STREET_WORD_TYPE = (
    rf"\b{_LEADING_NUMBERS}(?:{UPPER}[\w'’\-]*\s+){{1,3}}{_WORD_TYPES}\s+{_HOUSE_NUMBER}"
)

# US military mail: "PSC 1234, Box 5678 / APO AE 09012", "Unit 2050 Box 4190 / DPO AP 96522".
_MILITARY_BOX = r"\b(?i:psc|cmr|unit)\s+\d{3,5},?\s+(?i:box)\s+\d{1,5}\b"
_MILITARY_POST = r"\b(?i:apo|fpo|dpo)\s+(?i:aa|ae|ap)\s+\d{5}\b"

# "the corner of 5th Avenue and Pine St": both streets name a place.
_CORNER = (
    r"\b(?i:corner\s+of)\s+(?P<value>(?!(?i:the|his|her|my|their|your|its|left|right)\b)"
    r"[^\n,;:!?{}]{2,60}?\s+(?i:and|&)\s+[^\n,;:!?{}]{2,50}?)(?=\s*(?:[.,;:!?]\s|[.,;:!?]?$|\n))"
)

# A value introduced as an address that starts with a house number, up to the end of its
# line or sentence: "lives at 12 Rose Lane", "new address is 4 Elm Court".
_ADDRESS_CUE = (
    r"(?i:address(?:\s+(?:is|was|to|with))?\s*:?|(?:lives?|living|resides?|residing)"
    r"\s+(?:at|on)|drops?\s+(?:you\s+)?off\s+at|send\s+(?:it|them|a\s+new\s+one)\s+to)"
)
_CUED_ADDRESS = rf"\b{_ADDRESS_CUE}\s+(?P<value>\d{{1,6}}[A-Za-z]?\s+{LETTER}[^\n,;?!]*?)(?=\s*(?:[,;?!\n]|\.\s|\.?$))"

# Postal codes of many countries: 12345, 12345-6789, 1234, 123 45, 12-345, 1234-567,
# 1234 AB, K1A 0B1 (Canada) and SW1A 1AA (United Kingdom).
POSTAL_CODE = (
    r"(?:\d{5}(?:[\-\u2013]\d{3,4})?|\d{4}(?:[\-\u2013]\d{3})?|\d{3}\s\d{2}|\d{2}-\d{3}|"
    r"\d{4}\s?[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|\d{3})"
)
_POSTAL_LABELLED = (
    rf"\b(?i:zip|zip\s*code|zipcode|postal\s*code|postcode|post\s*code|plz)"
    rf"(?:\s+(?i:is|was))?\s*[:#]?\s*(?P<value>{POSTAL_CODE})(?![\w\-])"
)

# "in Aarhus 8000", "in Quinta de São Tiago 1421": a place and its postal code after a
# preposition. The place's words are capitalised, apart from particles such as "de".
_PLACE_WORD = rf"{UPPER}[\w'’\-]*"
# Words that number things other than places: "in Room 1234", "in Study 3001".
_NUMBERED_NOUN = (
    r"(?i:room|rm|bed|bay|ward|unit|suite|floor|level|building|bldg|apt|apartment|box|lot|"
    r"batch|version|protocol|study|trial|grade|stage|type|class|section|part|phase|cycle|"
    r"day|week|month|year|page|table|figure|chapter|order|item|model|series|code)\b"
)
_PLACE = rf"(?!{_NUMBERED_NOUN}){_PLACE_WORD}(?:\s+(?:(?:de|da|do|del|di|la|le|van|von|der|den|am|an|nad|pod)\s+)?{_PLACE_WORD}){{0,3}}"


def _place_then_postal(value: str) -> re.Pattern[str]:
    """Compile the place-then-postal-code form with `value` naming "place" or "postal"."""
    place = "value" if value == "place" else "place"
    postal = "value" if value == "postal" else "postal"
    return re.compile(
        rf"\b(?i:in|at|near|from)\s+(?P<{place}>{_PLACE})\s+(?P<{postal}>{POSTAL_CODE})"
        r"(?![\w\-/.%]|\s*(?i:mg|ml|kg|g|mm|cm|units?)\b)"
    )


def _postal_not_year(match: re.Match[str]) -> bool:
    """Reject a four-digit year ("in Boston 2019") and three-digit numbers."""
    postal = match.group("postal") if "postal" in match.re.groupindex else match.group("value")
    return len(postal) > 3 and re.fullmatch(r"(?:19|20)\d{2}", postal) is None


ADDRESS_PATTERNS = (
    ValuePattern(
        "street_prefix_first", EntityType.STREET_ADDRESS, re.compile(_STREET_PREFIX_FIRST), 0.8
    ),
    ValuePattern("street_glued_type", EntityType.STREET_ADDRESS, re.compile(_STREET_GLUED), 0.8),
    ValuePattern(
        "street_word_type", EntityType.STREET_ADDRESS, re.compile(_STREET_WORD_TYPE), 0.8
    ),
    ValuePattern(
        "military_box",
        EntityType.STREET_ADDRESS,
        re.compile(rf"{_MILITARY_BOX}(?:\s*{_MILITARY_POST})?"),
        0.9,
    ),
    ValuePattern("military_post", EntityType.STREET_ADDRESS, re.compile(_MILITARY_POST), 0.9),
    ValuePattern("street_corner", EntityType.STREET_ADDRESS, re.compile(_CORNER), 0.75),
    ValuePattern("cued_address", EntityType.STREET_ADDRESS, re.compile(_CUED_ADDRESS), 0.8),
    ValuePattern("postal_labelled", EntityType.ZIP_CODE, re.compile(_POSTAL_LABELLED), 0.9),
    ValuePattern(
        "postal_after_place",
        EntityType.ZIP_CODE,
        _place_then_postal("postal"),
        0.7,
        _postal_not_year,
    ),
    ValuePattern(
        "place_before_postal",
        EntityType.LOCATION,
        _place_then_postal("place"),
        0.7,
        _postal_not_year,
    ),
)
