"""Word lists the recognizers consult: names, places and facilities.

The person-name lists come from the name tables that the Faker package (a declared
dependency) ships for several locales; they are read once and cached.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

# Faker locales whose name tables cover the main languages of US patient populations and of
# Europe, in Latin, Greek and Cyrillic script.
_NAME_LOCALES = (
    "en_US",
    "en_GB",
    "en_IN",
    "es_MX",
    "es_ES",
    "pt_BR",
    "it_IT",
    "fr_FR",
    "de_DE",
    "nl_NL",
    "pl_PL",
    "tr_TR",
    "yo_NG",
    "tw_GH",
    "ga_IE",
    "cs_CZ",
    "sk_SK",
    "hu_HU",
    "hr_HR",
    "sl_SI",
    "ro_RO",
    "da_DK",
    "no_NO",
    "sv_SE",
    "fi_FI",
    "is_IS",
    "et_EE",
    "lv_LV",
    "lt_LT",
    "el_GR",
    "ru_RU",
    "uk_UA",
    "bg_BG",
    "pt_PT",
    "vi_VN",
)

# Locales whose default tables are in a script that patients' English text rarely uses, but
# which also ship the names in Latin letters ("first_romanized_names" for "Tomomi").
_ROMANIZED_LOCALES = ("ja_JP",)

# Words that some locale lists carry as surnames but that clinical text uses as nouns.
_CLINICAL_WORDS = frozenset(
    [
        "doctor",
        "nurse",
        "patient",
        "medic",
        "major",
        "general",
        "mayor",
        "bishop",
        "baker",
        "cook",
        "page",
        "case",
        "cross",
        "dean",
        "long",
        "short",
        "small",
        "little",
        "love",
        "rich",
        "best",
        "good",
        "north",
        "south",
        "east",
        "west",
    ]
)


def read_word_list(file_name: str) -> tuple[str, ...]:
    """Return the non-comment lines of a word list in `detectors/data`."""
    text = resources.files("detectors").joinpath("data", file_name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def common_word_names() -> frozenset[str]:
    """Lower-cased names that are also everyday English words ("Will", "Hope")."""
    return frozenset(word.lower() for word in read_word_list("common_word_names.txt"))


@cache
def first_names() -> frozenset[str]:
    """Lower-cased given names of at least three letters, without everyday words."""
    return _names("first_names")


@cache
def last_names() -> frozenset[str]:
    """Lower-cased family names of at least three letters, without everyday words."""
    return _names("last_names")


def _names(attribute: str) -> frozenset[str]:
    collected: set[str] = set()
    for locale in _NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        names = getattr(provider, attribute, ())
        # Some locales weight names in a dict; the keys are the names either way.
        collected.update(str(name).lower() for name in names)
    for locale in _ROMANIZED_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        prefix, suffix = attribute.split("_", 1)
        romanized = getattr(provider, f"{prefix}_romanized_{suffix}", ())
        collected.update(str(name).lower() for name in romanized)
    excluded = common_word_names() | _allowed_words() | STOP_WORDS | _CLINICAL_WORDS
    return frozenset(
        name for name in collected if len(name) >= 3 and name.isalpha() and name not in excluded
    )


@cache
def _allowed_words() -> frozenset[str]:
    return frozenset(term.lower() for term in read_word_list("allow_terms.txt"))


@cache
def regions() -> frozenset[str]:
    """Lower-cased states and countries, which are not PHI on their own."""
    return frozenset(word.lower() for word in read_word_list("regions.txt"))


@cache
def cities() -> tuple[str, ...]:
    """City names as written, for case-sensitive matching."""
    return read_word_list("cities.txt")


@cache
def facilities() -> tuple[str, ...]:
    """Hospital and health-system names that need no "Hospital" or "Clinic" after them."""
    return read_word_list("facilities.txt")


@cache
def countries() -> frozenset[str]:
    """Lower-cased country names from Faker's en_US address provider, plus `regions()`.

    Kept apart from `regions()` because some countries are also given names ("Chad",
    "Jordan"), so only code that already knows it reads a place may use this list.
    """
    provider = importlib.import_module("faker.providers.address.en_US").Provider
    return regions() | frozenset(str(country).lower() for country in provider.countries)
