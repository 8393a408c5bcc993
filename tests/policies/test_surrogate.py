"""The `surrogate` operator: fake values of the same kind, consistent, never a real value."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.findings import EntityType
from policies.engine import deidentify_text
from policies.operators import OperatorContext
from policies.schema import Policy
from policies.session import SessionState
from tests.policies.helpers import findings_at, policy_from

PERSON = EntityType.PERSON


@pytest.fixture(scope="module")
def surrogates() -> Policy:
    return policy_from(
        name="surrogates",
        default={"operator": "surrogate"},
        entities={"DATE": {"operator": "date_shift"}, "AGE": {"operator": "generalize"}},
    )


def surrogate_of(policy: Policy, state: SessionState, text: str, entity_type: EntityType) -> str:
    return deidentify_text(text, findings_at(text, (text, entity_type)), policy, state).text


@pytest.mark.parametrize(
    ("original", "entity_type", "shape"),
    [
        pytest.param("617-555-0100", EntityType.PHONE_NUMBER, r"\d{3}-\d{3}-\d{4}", id="phone"),
        pytest.param("(617) 555 0100", EntityType.FAX_NUMBER, r"\(\d{3}\) \d{3} \d{4}", id="fax"),
        pytest.param("123-45-6789", EntityType.US_SSN, r"\d{3}-\d{2}-\d{4}", id="ssn"),
        pytest.param(
            "MRN-00417A", EntityType.MEDICAL_RECORD_NUMBER, r"[A-Z]{3}-\d{5}[A-Z]", id="mrn"
        ),
        pytest.param(
            "ann.lee@mail.org",
            EntityType.EMAIL_ADDRESS,
            r"[^@\s]+@example\.(com|org|net)",
            id="email",
        ),
        pytest.param("10.2.3.4", EntityType.IP_ADDRESS, r"\d+\.\d+\.\d+\.\d+", id="ipv4"),
        pytest.param(
            "https://clinic.test/p/4417",
            EntityType.URL,
            r"https://www\.example\.(com|org|net)/\S+",
            id="url",
        ),
        pytest.param("St. Anne Hospital", EntityType.ORGANIZATION, r"\S+ Hospital", id="hospital"),
        pytest.param("02139", EntityType.ZIP_CODE, r"\d{5}", id="zip"),
    ],
)
def test_surrogate_keeps_kind_and_format(
    surrogates: Policy, state: SessionState, original: str, entity_type: EntityType, shape: str
) -> None:
    surrogate = surrogate_of(surrogates, state, original, entity_type)

    assert re.fullmatch(shape, surrogate), surrogate
    assert surrogate != original
    assert state.entries[surrogate].original == original
    assert state.entries[surrogate].operator == "surrogate"


def test_surrogate_consistent_in_session(surrogates: Policy, state: SessionState) -> None:
    first = surrogate_of(surrogates, state, "617-555-0100", EntityType.PHONE_NUMBER)
    again = surrogate_of(surrogates, state, "617.555.0100", EntityType.PHONE_NUMBER)

    assert first == again


def test_surrogate_differs_between_sessions(surrogates: Policy) -> None:
    drawn = {
        surrogate_of(surrogates, SessionState("tenant-a", f"s{index}"), "Ann Lee", PERSON)
        for index in range(8)
    }

    assert len(drawn) > 1


def test_person_parts_linked(surrogates: Policy, state: SessionState) -> None:
    text = "John Smith; Smith, John; JOHN SMITH; Mr. Smith; John; Smith"
    forms = ["John Smith", "Smith, John", "JOHN SMITH", "Mr. Smith", "John", "Smith"]

    result = deidentify_text(
        text, findings_at(text, *[(form, PERSON) for form in forms]), surrogates, state
    )

    full, inverted, upper, titled, given_name, family_name = result.text.split("; ")
    fake_given, fake_family = full.split(" ")
    assert inverted == f"{fake_family}, {fake_given}"
    assert upper == f"{fake_given} {fake_family}".upper()
    assert titled == f"Mr. {fake_family}"
    assert given_name == fake_given
    assert family_name == fake_family


def test_person_parts_are_vault_entries(surrogates: Policy, state: SessionState) -> None:
    full = surrogate_of(surrogates, state, "John Smith", PERSON)
    fake_given, fake_family = full.split(" ")

    assert state.entries[full].original == "John Smith"
    assert state.entries[fake_given].original == "John"
    assert state.entries[fake_family].original == "Smith"


def test_shared_family_name_shares_surrogate(surrogates: Policy, state: SessionState) -> None:
    text = "John Smith and Jane Smith"

    result = deidentify_text(
        text, findings_at(text, ("John Smith", PERSON), ("Jane Smith", PERSON)), surrogates, state
    )

    first, second = result.text.split(" and ")
    assert first.split(" ")[1] == second.split(" ")[1]
    assert first.split(" ")[0] != second.split(" ")[0]


def test_value_in_any_request_text_is_taken(state: SessionState) -> None:
    context = OperatorContext(
        state=state,
        request_texts=("Ann Lee was seen.", "Her brother Mark visited."),
        date_shift_min_days=30,
        date_shift_max_days=364,
    )

    assert context.is_taken("Mark")
    assert context.is_taken("mark")
    assert not context.is_taken("Marks")
    assert not context.is_taken("Davis")


def test_known_original_is_taken(surrogates: Policy, state: SessionState) -> None:
    surrogate_of(surrogates, state, "Ann Lee", PERSON)
    context = OperatorContext(
        state=state,
        request_texts=("nothing here",),
        date_shift_min_days=30,
        date_shift_max_days=364,
    )

    assert context.is_taken("Ann Lee")
    assert context.is_taken(next(iter(state.entries)))


NAMES = st.lists(
    st.tuples(
        st.sampled_from(["John", "Mark", "Lisa", "James", "Mary", "David", "Linda", "Robert"]),
        st.sampled_from(
            ["Smith", "Davis", "Wilson", "Brown", "Jones", "Miller", "Moore", "Taylor"]
        ),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(names=NAMES)
def test_surrogate_never_equals_real_name(surrogates: Policy, names: list[tuple[str, str]]) -> None:
    state = SessionState("tenant-a", "property")
    forms = [f"{given_name} {family_name}" for given_name, family_name in names]
    text = "; ".join(forms)
    real_words = {word for form in forms for word in form.split(" ")}

    result = deidentify_text(
        text, findings_at(text, *[(form, PERSON) for form in forms]), surrogates, state
    )

    fake_words = {word for form in result.text.split("; ") for word in form.split(" ")}
    assert not fake_words & real_words
    assert len({entry.original for entry in state.entries.values()}) >= len(set(forms))


@settings(max_examples=40, deadline=None)
@given(
    numbers=st.lists(st.from_regex(r"[0-9]{2}-[0-9]{2}", fullmatch=True), min_size=1, max_size=10)
)
def test_identifier_surrogate_never_in_request(surrogates: Policy, numbers: list[str]) -> None:
    state = SessionState("tenant-a", "property")
    text = " ".join(numbers)

    result = deidentify_text(
        text, findings_at(text, *[(number, EntityType.ID) for number in numbers]), surrogates, state
    )

    fakes = result.text.split(" ")
    assert not set(fakes) & set(numbers)
    assert len(set(fakes)) == len(set(numbers))
    for fake, number in zip(fakes, numbers, strict=True):
        assert state.entries[fake].original == number


def test_possessive_name_keeps_suffix(surrogates: Policy, state: SessionState) -> None:
    text = "John Smith came; JOHN SMITH's daughter"

    result = deidentify_text(
        text, findings_at(text, ("John Smith", PERSON), ("JOHN SMITH's", PERSON)), surrogates, state
    )

    full, possessive = result.text.removesuffix(" daughter").split(" came; ")
    assert possessive == full.upper() + "'s"
