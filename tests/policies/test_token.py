"""The `token` operator through the engine: numbering and consistency within a session."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.findings import EntityType
from policies.engine import deidentify_text
from policies.schema import Policy
from policies.session import SessionState
from policies.tokens import TOKEN_PATTERN
from tests.policies.helpers import findings_at

PERSON = EntityType.PERSON
PHONE = EntityType.PHONE_NUMBER
MRN = EntityType.MEDICAL_RECORD_NUMBER


def test_tokens_numbered_per_type(safe_harbor: Policy, state: SessionState) -> None:
    text = "Ann Lee called 617-555-0100 about MRN 4417; Raj Patel too."
    findings = findings_at(
        text, ("Ann Lee", PERSON), ("617-555-0100", PHONE), ("4417", MRN), ("Raj Patel", PERSON)
    )

    result = deidentify_text(text, findings, safe_harbor, state)

    assert result.text == "[PERSON_1] called [PHONE_1] about MRN [MRN_1]; [PERSON_2] too."


def test_same_original_same_token_across_calls(safe_harbor: Policy, state: SessionState) -> None:
    first = deidentify_text(
        "Call 617-555-0100.",
        findings_at("Call 617-555-0100.", ("617-555-0100", PHONE)),
        safe_harbor,
        state,
    )
    second_text = "Again (617) 555-0100, not 617-555-0199."
    second = deidentify_text(
        second_text,
        findings_at(second_text, ("(617) 555-0100", PHONE), ("617-555-0199", PHONE)),
        safe_harbor,
        state,
    )

    assert first.text == "Call [PHONE_1]."
    assert second.text == "Again [PHONE_1], not [PHONE_2]."


def test_entries_map_tokens_to_originals(safe_harbor: Policy, state: SessionState) -> None:
    text = "MRN 4417 and MRN 9921"
    deidentify_text(text, findings_at(text, ("4417", MRN), ("9921", MRN)), safe_harbor, state)

    assert {token: entry.original for token, entry in state.entries.items()} == {
        "[MRN_1]": "4417",
        "[MRN_2]": "9921",
    }
    assert {entry.operator for entry in state.entries.values()} == {"token"}


def test_new_session_starts_numbering_again(safe_harbor: Policy) -> None:
    text = "MRN 4417"
    findings = findings_at(text, ("4417", MRN))
    one = deidentify_text(text, findings, safe_harbor, SessionState("tenant-a", "one"))
    other = deidentify_text(
        "MRN 5555",
        findings_at("MRN 5555", ("5555", MRN)),
        safe_harbor,
        SessionState("tenant-a", "two"),
    )

    assert one.text == other.text == "MRN [MRN_1]"


@pytest.mark.parametrize(
    "typed",
    ["[PERSON_1]", "[person_1]", "PERSON_1", "Person_1"],
    ids=["exact", "lower-case", "no-brackets", "title-case"],
)
def test_typed_token_number_is_skipped(
    safe_harbor: Policy, state: SessionState, typed: str
) -> None:
    text = f"Ann Lee wrote {typed} in her note."

    result = deidentify_text(text, findings_at(text, ("Ann Lee", PERSON)), safe_harbor, state)

    assert result.text == f"[PERSON_2] wrote {typed} in her note."
    assert "[PERSON_1]" not in state.entries


def test_counter_survives_restored_state(safe_harbor: Policy, state: SessionState) -> None:
    deidentify_text("MRN 4417", findings_at("MRN 4417", ("4417", MRN)), safe_harbor, state)
    reloaded = SessionState.restored(
        state.tenant, state.session_id, state.entries.values(), state.new_aliases, state.meta
    )

    again = deidentify_text(
        "MRN 4417 or 7777",
        findings_at("MRN 4417 or 7777", ("4417", MRN), ("7777", MRN)),
        safe_harbor,
        reloaded,
    )

    assert again.text == "MRN [MRN_1] or [MRN_2]"


@settings(max_examples=60, deadline=None)
@given(
    numbers=st.lists(st.integers(min_value=1000, max_value=9999), min_size=1, max_size=12),
    typed=st.lists(st.integers(min_value=1, max_value=6), max_size=3),
)
def test_two_originals_never_share_token(
    safe_harbor: Policy, numbers: list[int], typed: list[int]
) -> None:
    state = SessionState("tenant-a", "property")
    prefix = " ".join(f"[MRN_{number}]" for number in typed)
    text = prefix + " " + " ".join(str(number) for number in numbers)
    spans = [(str(number), MRN) for number in numbers]
    result = deidentify_text(text, findings_at(text, *spans, start=len(prefix)), safe_harbor, state)

    originals_by_token: dict[str, set[str]] = {}
    for token, entry in state.entries.items():
        originals_by_token.setdefault(token, set()).add(entry.original)
    assert all(len(originals) == 1 for originals in originals_by_token.values())
    assert len(state.entries) == len(set(numbers))
    assert not {f"[MRN_{number}]" for number in typed} & set(state.entries)
    assert all(TOKEN_PATTERN.fullmatch(token) for token in state.entries)
    assert result.text.startswith(prefix)
