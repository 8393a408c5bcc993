"""The `date_shift` operator: one offset per session (or patient), recorded for restoring."""

from __future__ import annotations

from datetime import date

import pytest

from detectors.findings import EntityType
from policies.dates import parse_date
from policies.engine import deidentify_text
from policies.schema import Policy
from policies.session import SessionState
from tests.policies.helpers import findings_at, policy_from

DATE = EntityType.DATE
PERSON = EntityType.PERSON
REFERENCE = date(2024, 6, 1)


def shift_dates(policy: Policy, state: SessionState, text: str, *dates: str) -> str:
    return deidentify_text(
        text, findings_at(text, *[(written, DATE) for written in dates]), policy, state
    ).text


def parsed(text: str) -> date:
    written = parse_date(text, REFERENCE)
    assert written is not None
    return written.value


def test_offset_within_policy_range(safe_harbor: Policy) -> None:
    for index in range(20):
        state = SessionState("tenant-a", f"s{index}")
        shifted = shift_dates(safe_harbor, state, "2024-03-14", "2024-03-14")

        offset = state.meta["date_shift_days"][""]
        assert 30 <= abs(offset) <= 364
        assert (parsed(shifted) - date(2024, 3, 14)).days == offset


def test_one_offset_per_session(safe_harbor: Policy, state: SessionState) -> None:
    first = shift_dates(safe_harbor, state, "2024-02-28", "2024-02-28")
    second = shift_dates(
        safe_harbor, state, "2024-03-01 and 2025-01-01", "2024-03-01", "2025-01-01"
    )

    later, year_later = second.split(" and ")
    assert (parsed(later) - parsed(first)).days == 2
    assert (parsed(year_later) - parsed(first)).days == 308


def test_shifted_date_recorded_for_restore(safe_harbor: Policy, state: SessionState) -> None:
    shifted = shift_dates(safe_harbor, state, "Seen March 14, 2024.", "March 14, 2024")

    written = shifted.removeprefix("Seen ").removesuffix(".")
    assert state.entries[written].original == "March 14, 2024"
    assert state.entries[written].operator == "date_shift"


def test_same_date_same_shift(safe_harbor: Policy, state: SessionState) -> None:
    first = shift_dates(safe_harbor, state, "the 3rd", "the 3rd")
    again = shift_dates(safe_harbor, state, "the 3rd", "the 3rd")

    assert first == again


@pytest.mark.parametrize("text", ["last Tuesday", "Christmas Day"], ids=["relative-day", "holiday"])
def test_unreadable_date_becomes_token(safe_harbor: Policy, state: SessionState, text: str) -> None:
    assert shift_dates(safe_harbor, state, text, text) == "[DATE_1]"
    assert state.entries["[DATE_1]"].original == text


def test_shift_landing_on_original_becomes_token(safe_harbor: Policy, state: SessionState) -> None:
    state.set_meta("date_shift_days", {"": 30})

    # June has 30 days, so "the 3rd" of June shifted by 30 days is "the 3rd" again.
    shifted = shift_dates(safe_harbor, state, "2024-06-01, then the 3rd", "2024-06-01", "the 3rd")

    assert shifted == "2024-07-01, then [DATE_1]"


def test_year_less_date_uses_earlier_year(safe_harbor: Policy, state: SessionState) -> None:
    state.set_meta("date_shift_days", {"": 1})

    shifted = shift_dates(safe_harbor, state, "2023-02-27, then Feb 28", "2023-02-27", "Feb 28")

    assert shifted == "2023-02-28, then Mar 1"


def test_patient_scope_offset_per_person() -> None:
    policy = policy_from(
        name="p", entities={"DATE": {"operator": "date_shift", "params": {"scope": "patient"}}}
    )
    state = SessionState("tenant-a", "patients")
    text = "Ann Lee 2024-01-10 2024-01-20. Raj Patel 2024-01-10."
    findings = findings_at(
        text,
        ("Ann Lee", PERSON),
        ("2024-01-10", DATE),
        ("2024-01-20", DATE),
        ("Raj Patel", PERSON),
        ("2024-01-10", DATE),
    )

    result = deidentify_text(text, findings, policy, state).text

    offsets = state.meta["date_shift_days"]
    assert set(offsets) == {"[PERSON_1]", "[PERSON_2]"}
    ann_first, ann_second = result.split(" ")[1], result.split(" ")[2].rstrip(".")
    assert (parsed(ann_second) - parsed(ann_first)).days == 10
    assert (parsed(ann_first) - date(2024, 1, 10)).days == offsets["[PERSON_1]"]


def test_session_scope_ignores_persons(safe_harbor: Policy, state: SessionState) -> None:
    text = "Ann Lee 2024-01-10. Raj Patel 2024-01-10."
    findings = findings_at(
        text, ("Ann Lee", PERSON), ("2024-01-10", DATE), ("Raj Patel", PERSON), ("2024-01-10", DATE)
    )

    result = deidentify_text(text, findings, safe_harbor, state).text

    assert set(state.meta["date_shift_days"]) == {""}
    assert result.split(" ")[1].rstrip(".") == result.split(" ")[3].rstrip(".")


def test_shift_onto_other_patients_date_becomes_token() -> None:
    policy = policy_from(
        name="p", entities={"DATE": {"operator": "date_shift", "params": {"scope": "patient"}}}
    )
    state = SessionState("tenant-a", "collision")
    state.set_meta("date_shift_days", {"[PERSON_1]": 10, "[PERSON_2]": 4})
    text = "Ann Lee 2024-03-14. Raj Patel 2024-03-20."
    findings = findings_at(
        text, ("Ann Lee", PERSON), ("2024-03-14", DATE), ("Raj Patel", PERSON), ("2024-03-20", DATE)
    )

    result = deidentify_text(text, findings, policy, state).text

    assert result == "[PERSON_1] 2024-03-24. [PERSON_2] [DATE_1]."
    assert state.entries["2024-03-24"].original == "2024-03-14"
    assert state.entries["[DATE_1]"].original == "2024-03-20"
