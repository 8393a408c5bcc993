"""The `generalize` operator: ages over 89, three-digit ZIP codes and years."""

from __future__ import annotations

from datetime import date

import pytest

from detectors.findings import EntityType
from policies.engine import deidentify_text
from policies.operators.generalize import HHS_RESTRICTED_ZIP_PREFIXES
from policies.schema import Policy
from policies.session import SessionState
from tests.policies.helpers import findings_at, policy_from


def generalize(policy: Policy, state: SessionState, text: str, entity_type: EntityType) -> str:
    return deidentify_text(text, findings_at(text, (text, entity_type)), policy, state).text


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        pytest.param("89", "89", id="89-kept"),
        pytest.param("90", "90 or older", id="90"),
        pytest.param("104", "90 or older", id="104"),
        pytest.param("92-year-old", "90 or older", id="hyphenated"),
        pytest.param("45 years", "45 years", id="young-kept"),
    ],
)
def test_age(safe_harbor: Policy, state: SessionState, age: str, expected: str) -> None:
    assert generalize(safe_harbor, state, age, EntityType.AGE) == expected


def test_age_in_words_becomes_token(safe_harbor: Policy, state: SessionState) -> None:
    assert generalize(safe_harbor, state, "ninety-two", EntityType.AGE) == "[AGE_1]"


@pytest.mark.parametrize(
    ("zip_code", "expected"),
    [
        pytest.param("02139", "021", id="five-digit"),
        pytest.param("02139-4307", "021", id="zip-plus-four"),
        pytest.param("03601", "000", id="restricted-036"),
        pytest.param("89301", "000", id="restricted-893"),
        pytest.param("10001", "100", id="not-restricted"),
    ],
)
def test_zip_code(safe_harbor: Policy, state: SessionState, zip_code: str, expected: str) -> None:
    assert generalize(safe_harbor, state, zip_code, EntityType.ZIP_CODE) == expected


@pytest.mark.parametrize("prefix", HHS_RESTRICTED_ZIP_PREFIXES)
def test_every_restricted_prefix_becomes_zeros(
    safe_harbor: Policy, state: SessionState, prefix: str
) -> None:
    assert generalize(safe_harbor, state, f"{prefix}42", EntityType.ZIP_CODE) == "000"


def test_restricted_prefixes_are_hhs_list() -> None:
    assert len(HHS_RESTRICTED_ZIP_PREFIXES) == 17
    assert {"036", "059", "063", "102", "203", "556", "692", "790", "893"} <= set(
        HHS_RESTRICTED_ZIP_PREFIXES
    )


def test_custom_restricted_prefixes(state: SessionState) -> None:
    policy = policy_from(
        name="p",
        entities={
            "ZIP_CODE": {"operator": "generalize", "params": {"restricted_zip_prefixes": ["021"]}}
        },
    )

    assert generalize(policy, state, "02139", EntityType.ZIP_CODE) == "000"
    assert generalize(policy, state, "03601", EntityType.ZIP_CODE) == "036"


def test_date_keeps_year(state: SessionState) -> None:
    policy = policy_from(name="p", entities={"DATE": {"operator": "generalize"}})

    assert generalize(policy, state, "March 14, 2024", EntityType.DATE) == "2024"
    assert generalize(policy, state, "March 14", EntityType.DATE) == "[DATE_1]"


def test_generalized_values_not_recorded(safe_harbor: Policy, state: SessionState) -> None:
    generalize(safe_harbor, state, "02139", EntityType.ZIP_CODE)
    generalize(safe_harbor, state, "97", EntityType.AGE)

    assert dict(state.entries) == {}


def test_birth_year_over_limit_aggregated(safe_harbor: Policy, state: SessionState) -> None:
    cutoff = date.today().year - 90

    assert generalize(safe_harbor, state, "1931", EntityType.AGE) == f"{cutoff} or earlier"
    assert generalize(safe_harbor, state, str(cutoff + 1), EntityType.AGE) == str(cutoff + 1)
