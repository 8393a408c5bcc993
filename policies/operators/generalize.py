"""The `generalize` operator: coarser values that Safe Harbor allows to be disclosed."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, ClassVar

from pydantic import Field, field_validator

from detectors.findings import EntityType
from policies.dates import parse_date
from policies.operators.base import OperatorContext, OperatorParams, Substitute, Value
from policies.operators.token import TokenOperator

# Three-digit ZIP prefixes whose area held 20,000 people or fewer in the 2000 Census. Safe
# Harbor (45 CFR 164.514(b)(2)(i)(B)) allows the first three digits of a ZIP code only where
# the area they cover has more than 20,000 people, else they must become "000". These are the
# 17 prefixes listed in HHS's "Guidance Regarding Methods for De-identification of Protected
# Health Information" (2012), section "When can ZIP codes be included in de-identified
# information?". A policy can replace the list when newer census figures are published.
HHS_RESTRICTED_ZIP_PREFIXES = (
    "036", "059", "063", "102", "203", "556", "692", "790", "821",
    "823", "830", "831", "878", "879", "884", "890", "893",
)  # fmt: skip

_AGE_NUMBER = re.compile(r"\d{1,3}")
_BIRTH_YEAR = re.compile(r"(?:18|19|20)\d{2}")
_ZIP = re.compile(r"(?<!\d)(\d{5})(?:[- ]?\d{4})?(?!\d)")


class GeneralizeParams(OperatorParams):
    """Parameters of `generalize`.

    Ages above `max_age` become `older_text`; ZIP codes keep their first three digits, or
    "000" for a prefix in `restricted_zip_prefixes`; dates keep their year.
    """

    max_age: int = Field(89, ge=0, le=150)
    older_text: str = "90 or older"
    restricted_zip_prefixes: tuple[str, ...] = HHS_RESTRICTED_ZIP_PREFIXES

    @field_validator("restricted_zip_prefixes")
    @classmethod
    def _three_digits(cls, prefixes: tuple[str, ...]) -> tuple[str, ...]:
        if not all(re.fullmatch(r"\d{3}", prefix) for prefix in prefixes):
            raise ValueError("each prefix must be exactly three digits, such as '036'")
        return prefixes


class GeneralizeOperator:
    """Replaces an age over the limit, a ZIP code or a date with a coarser, irreversible value.

    Ages up to `max_age` are kept as written (Safe Harbor allows them). A value the operator
    cannot read (an age in words, a date with no year) becomes a placeholder token instead,
    so it never reaches the upstream unchanged.
    """

    name: ClassVar[str] = "generalize"
    params_model: ClassVar[type[OperatorParams]] = GeneralizeParams
    entity_types: ClassVar[frozenset[EntityType] | None] = frozenset(
        {EntityType.AGE, EntityType.ZIP_CODE, EntityType.DATE}
    )

    def __init__(self, params: GeneralizeParams) -> None:
        self.params = params
        self._fallback = TokenOperator.from_params({})
        self._generalizers: dict[EntityType, Callable[[str], str | None]] = {
            EntityType.AGE: self._age,
            EntityType.ZIP_CODE: self._zip_code,
            EntityType.DATE: self._year,
        }

    @classmethod
    def from_params(cls, raw: Mapping[str, Any]) -> GeneralizeOperator:
        """Build the operator from a policy rule's `params`; raises `ValidationError`."""
        return cls(GeneralizeParams.model_validate(dict(raw)))

    def replace(self, value: Value, context: OperatorContext) -> Substitute:
        """Return the generalised value, or a token when the value cannot be read."""
        generalized = self._generalizers[value.entity_type](value.text)
        if generalized is None:
            return self._fallback.replace(value, context)
        return Substitute(generalized, reversible=False)

    def _age(self, text: str) -> str | None:
        if _BIRTH_YEAR.fullmatch(text.strip()):
            # A birth year that implies an age over the limit: Safe Harbor aggregates the
            # year too, so every such year becomes one cut-off year.
            cutoff = date.today().year - self.params.max_age - 1
            return text if int(text) > cutoff else f"{cutoff} or earlier"
        match = _AGE_NUMBER.search(text)
        if match is None:
            return None
        return text if int(match.group()) <= self.params.max_age else self.params.older_text

    def _zip_code(self, text: str) -> str | None:
        match = _ZIP.search(text)
        if match is None:
            return None
        prefix = match.group(1)[:3]
        return "000" if prefix in self.params.restricted_zip_prefixes else prefix

    def _year(self, text: str) -> str | None:
        written = parse_date(text, date.today())
        if written is None or not written.has_year:
            return None
        return str(written.value.year)
