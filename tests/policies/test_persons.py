"""One person, one token: the forms of a name link to one person in a session."""

from __future__ import annotations

import pytest

from detectors.findings import EntityType
from policies.engine import deidentify_text
from policies.persons import parse_person_name
from policies.schema import Policy
from policies.session import SessionState
from proxy.restore import Restorer
from tests.policies.helpers import findings_at

PERSON = EntityType.PERSON


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        pytest.param("John Smith", ["given", "family"], id="given-family"),
        pytest.param("John A. Smith", ["given", "middle", "family"], id="middle-initial"),
        pytest.param("Smith, John", ["family", "given"], id="family-comma-given"),
        pytest.param(
            "Smith, John A.", ["family", "given", "middle"], id="family-comma-given-middle"
        ),
        pytest.param("Mr. Smith", ["title", "family"], id="title-family"),
        pytest.param(
            "Dr John Smith Jr.", ["title", "given", "family", "suffix"], id="title-and-suffix"
        ),
        pytest.param("John", ["single"], id="single-word"),
        pytest.param("Mary O'Brien-Hale", ["given", "family"], id="apostrophe-hyphen"),
        pytest.param("JOHN SMITH's", ["given", "family"], id="possessive"),
        pytest.param("Smith’s", ["single"], id="possessive-typographic-apostrophe"),
    ],
)
def test_parse_person_name_roles(text: str, roles: list[str]) -> None:
    name = parse_person_name(text)

    assert name is not None
    assert [word.role.value for word in name.words] == roles


def test_parse_person_name_without_letters() -> None:
    assert parse_person_name("12 34") is None


def test_person_name_repr_hides_name() -> None:
    name = parse_person_name("John Smith")

    assert "John" not in repr(name)
    assert "Smith" not in repr(name.words[0] if name else None)


LINKED_FORMS = [
    "John A. Smith",
    "Smith, John",
    "JOHN SMITH",
    "Mr. Smith",
    "John",
    "john smith",
    "Smith",
]


@pytest.mark.parametrize(
    ("form", "token"),
    [
        ("Smith, John", "[PERSON_FULL_1]"),
        ("JOHN SMITH", "[PERSON_FULL_1]"),
        ("Mr. Smith", "Mr. [PERSON_SURNAME_1]"),
        ("John", "[PERSON_GIVEN_1]"),
        ("Smith", "[PERSON_SURNAME_1]"),
    ],
)
def test_form_links_to_first_person(
    safe_harbor: Policy, state: SessionState, form: str, token: str
) -> None:
    first = deidentify_text(
        "John A. Smith", findings_at("John A. Smith", ("John A. Smith", PERSON)), safe_harbor, state
    )

    later = deidentify_text(
        f"Seen by {form}.", findings_at(f"Seen by {form}.", (form, PERSON)), safe_harbor, state
    )

    assert first.text == "[PERSON_1]"
    assert later.text == f"Seen by {token}."
    assert Restorer(state).restore(later.text).text == f"Seen by {form}."


def test_all_forms_in_one_text_share_number(safe_harbor: Policy, state: SessionState) -> None:
    text = " / ".join(LINKED_FORMS)

    result = deidentify_text(
        text, findings_at(text, *[(form, PERSON) for form in LINKED_FORMS]), safe_harbor, state
    )

    assert result.text == (
        "[PERSON_1] / [PERSON_FULL_1] / [PERSON_FULL_1] / Mr. [PERSON_SURNAME_1] / "
        "[PERSON_GIVEN_1] / [PERSON_FULL_1] / [PERSON_SURNAME_1]"
    )
    assert state.entries["[PERSON_1]"].original == "John A. Smith"
    assert state.entries["[PERSON_SURNAME_1]"].original == "Smith"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(
            "Mr. Smith",
            "John Smith",
            "Mr. [PERSON_1] met us; [PERSON_FULL_1] left.",
            id="title-then-full",
        ),
        pytest.param(
            "Smith", "John Smith", "[PERSON_1] met us; [PERSON_FULL_1] left.", id="family-then-full"
        ),
        pytest.param(
            "John", "John Smith", "[PERSON_1] met us; [PERSON_FULL_1] left.", id="given-then-full"
        ),
    ],
)
def test_partial_form_then_full_name_link(
    safe_harbor: Policy, state: SessionState, first: str, second: str, expected: str
) -> None:
    text = f"{first} met us; {second} left."

    result = deidentify_text(
        text, findings_at(text, (first, PERSON), (second, PERSON)), safe_harbor, state
    )

    assert result.text == expected
    assert Restorer(state).restore(result.text).text == text


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("John Smith", "Jane Smith", id="same-family"),
        pytest.param("John Smith", "John Doe", id="same-given"),
        pytest.param("Ann Lee", "Raj Patel", id="unrelated"),
    ],
)
def test_different_people_get_different_tokens(
    safe_harbor: Policy, state: SessionState, first: str, second: str
) -> None:
    text = f"{first} and {second}"

    result = deidentify_text(
        text, findings_at(text, (first, PERSON), (second, PERSON)), safe_harbor, state
    )

    assert result.text == "[PERSON_1] and [PERSON_2]"


def test_lone_family_name_picks_first_person(safe_harbor: Policy, state: SessionState) -> None:
    text = "John Smith and Jane Smith; later Smith called."

    result = deidentify_text(
        text,
        findings_at(text, ("John Smith", PERSON), ("Jane Smith", PERSON), ("Smith", PERSON)),
        safe_harbor,
        state,
    )

    assert result.text == "[PERSON_1] and [PERSON_2]; later [PERSON_SURNAME_1] called."


def test_linking_holds_across_requests(safe_harbor: Policy, state: SessionState) -> None:
    deidentify_text(
        "Smith, John", findings_at("Smith, John", ("Smith, John", PERSON)), safe_harbor, state
    )
    reloaded = SessionState.restored(
        state.tenant, state.session_id, state.entries.values(), state.new_aliases, state.meta
    )

    result = deidentify_text(
        "Mr. Smith and John",
        findings_at("Mr. Smith and John", ("Mr. Smith", PERSON), ("John", PERSON)),
        safe_harbor,
        reloaded,
    )

    assert result.text == "Mr. [PERSON_SURNAME_1] and [PERSON_GIVEN_1]"


def test_possessive_stays_outside_token(safe_harbor: Policy, state: SessionState) -> None:
    text = "John Smith came; JOHN SMITH's daughter and Smith’s son"
    findings = findings_at(
        text, ("John Smith", PERSON), ("JOHN SMITH's", PERSON), ("Smith’s", PERSON)
    )

    result = deidentify_text(text, findings, safe_harbor, state)

    assert result.text == "[PERSON_1] came; [PERSON_1]'s daughter and [PERSON_SURNAME_1]’s son"
    # Forms that differ only in letter case share a token, so the first form comes back.
    restored = Restorer(state).restore(result.text).text
    assert restored == "John Smith came; John Smith's daughter and Smith’s son"
