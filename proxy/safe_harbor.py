"""Which gold values of presidio-research's labels are HIPAA Safe Harbor identifiers.

45 CFR 164.514(b)(2)(i) lists 18 identifiers. presidio-synth-v2 labels general PII, so some of
its labels are identifiers only for some values, and some are not identifiers at all:

- always: PERSON (names), STREET_ADDRESS and ZIP_CODE (geographic subdivisions smaller than a
  state), PHONE_NUMBER, EMAIL_ADDRESS, US_SSN, IP_ADDRESS, DOMAIN_NAME (URLs),
  US_DRIVER_LICENSE (licence numbers), CREDIT_CARD and IBAN_CODE (account numbers);
- GPE only when the value is smaller than a state: a state, province or country named alone
  is kept by Safe Harbor;
- DATE_TIME only when the value has a date element other than the year (a day, a month or a
  weekday);
- AGE only over 89;
- never: ORGANIZATION (an employer is not one of the 18), TITLE and NRP.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from faker.providers.address.en_US import Provider as AddressProvider

from detectors.gazetteers import regions
from detectors.recognizers.dates import AGES_OVER

_MONTH_OR_WEEKDAY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?(?![a-z])",
    re.IGNORECASE,
)
# Two numbers joined by a date separator: 3/14, 2024-03-14, 14.03.2024.
_NUMERIC_DAY_OR_MONTH = re.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}")
# Two capital letters alone are a state or province code ("TX", "SK").
_REGION_CODE = re.compile(r"[A-Z]{2}")
# Faker writes a missing field as the text "nan"; it names no place.
_MISSING_VALUES = frozenset({"nan", "none", "null"})


def _always(_: str) -> bool:
    return True


def _has_day_or_month(value: str) -> bool:
    return bool(_MONTH_OR_WEEKDAY.search(value) or _NUMERIC_DAY_OR_MONTH.search(value))


def _is_age_over_89(value: str) -> bool:
    digits = "".join(character for character in value if character.isdigit())
    return bool(digits) and int(digits) > AGES_OVER


@cache
def _states_and_countries() -> frozenset[str]:
    countries = (country.lower() for country in AddressProvider.countries)
    return regions() | frozenset(countries)


def _is_smaller_than_state(value: str) -> bool:
    # "Cyprus (Greek)" names a country with a qualifier.
    name = re.sub(r"\s*\(.*?\)\s*", " ", value).strip()
    if _REGION_CODE.fullmatch(name) or name.lower() in _MISSING_VALUES:
        return False
    return " ".join(name.lower().split()) not in _states_and_countries()


SAFE_HARBOR_VALUE_TESTS: dict[str, Callable[[str], bool]] = {
    "PERSON": _always,
    "STREET_ADDRESS": _always,
    "ZIP_CODE": _always,
    "PHONE_NUMBER": _always,
    "EMAIL_ADDRESS": _always,
    "US_SSN": _always,
    "IP_ADDRESS": _always,
    "DOMAIN_NAME": _always,
    "US_DRIVER_LICENSE": _always,
    "CREDIT_CARD": _always,
    "IBAN_CODE": _always,
    "GPE": _is_smaller_than_state,
    "DATE_TIME": _has_day_or_month,
    "AGE": _is_age_over_89,
}


def is_safe_harbor_value(label: str, value: str) -> bool:
    """Whether a gold value under a presidio-research label is a Safe Harbor identifier.

    Labels of other corpora (ASQ-PHI's NAME, deidgate-seed's name) return False: those corpora
    label only identifiers already, so their plain recall is the Safe Harbor recall.
    """
    value_test = SAFE_HARBOR_VALUE_TESTS.get(label)
    return value_test is not None and value_test(value)
