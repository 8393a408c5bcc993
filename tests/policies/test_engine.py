"""The de-identification step: thresholds, allow list, offsets and failure cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.errors import DeidentificationError
from detectors.findings import EntityType, Finding
from policies.engine import DeidentifiedText, Replacement, deidentify_text, deidentify_texts
from policies.schema import Policy
from policies.session import SessionState
from policies.tokens import TOKEN_PATTERN
from tests.policies.helpers import findings_at, policy_from

PERSON = EntityType.PERSON
MRN = EntityType.MEDICAL_RECORD_NUMBER


def test_finding_under_threshold_left(safe_harbor: Policy, state: SessionState) -> None:
    text = "Ann Lee and Raj Patel"
    findings = [Finding(PERSON, 0, 7, 0.49, "test"), Finding(PERSON, 12, 21, 0.5, "test")]

    result = deidentify_text(text, findings, safe_harbor, state)

    assert result.text == "Ann Lee and [PERSON_1]"
    assert len(result.replacements) == 1


def test_allow_list_term_left(state: SessionState) -> None:
    policy = policy_from(name="p", allow_list=["Parkinson"])
    text = "Parkinson disease, seen by Ann Lee"

    result = deidentify_text(
        text, findings_at(text, ("Parkinson", PERSON), ("Ann Lee", PERSON)), policy, state
    )

    assert result.text == "Parkinson disease, seen by [PERSON_1]"


def test_replacement_offsets(safe_harbor: Policy, state: SessionState) -> None:
    text = "Ann Lee, MRN 4417, aged 93."
    findings = findings_at(text, ("Ann Lee", PERSON), ("4417", MRN), ("93", EntityType.AGE))

    result = deidentify_text(text, findings, safe_harbor, state)

    assert result.text == "[PERSON_1], MRN [MRN_1], aged 90 or older."
    assert result.replacements == (
        Replacement(0, 7, 0, 10, PERSON, "token", True),
        Replacement(13, 17, 16, 23, MRN, "token", True),
        Replacement(24, 26, 30, 41, EntityType.AGE, "generalize", False),
    )


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        pytest.param("redact", "Seen by [REDACTED].", id="redact"),
        pytest.param("keep", "Seen by Ann Lee.", id="keep"),
    ],
)
def test_irreversible_operators_not_recorded(
    state: SessionState, operator: str, expected: str
) -> None:
    policy = policy_from(name="p", entities={"PERSON": {"operator": operator}})
    text = "Seen by Ann Lee."

    result = deidentify_text(text, findings_at(text, ("Ann Lee", PERSON)), policy, state)

    assert result.text == expected
    assert result.replacements[0].reversible is False
    assert dict(state.entries) == {}


def test_redact_text_is_configurable(state: SessionState) -> None:
    policy = policy_from(
        name="p", entities={"PERSON": {"operator": "redact", "params": {"text": "[NAME]"}}}
    )

    assert (
        deidentify_text("Ann", findings_at("Ann", ("Ann", PERSON)), policy, state).text == "[NAME]"
    )


@pytest.mark.parametrize(
    "findings",
    [
        pytest.param(
            [Finding(PERSON, 0, 7, 0.9, "t"), Finding(PERSON, 5, 9, 0.9, "t")], id="overlapping"
        ),
        pytest.param(
            [Finding(PERSON, 8, 11, 0.9, "t"), Finding(PERSON, 0, 3, 0.9, "t")], id="unsorted"
        ),
        pytest.param([Finding(PERSON, 8, 40, 0.9, "t")], id="past-end"),
    ],
)
def test_bad_findings_raise(
    safe_harbor: Policy, state: SessionState, findings: list[Finding]
) -> None:
    with pytest.raises(DeidentificationError) as raised:
        deidentify_text("Ann Lee and Raj", findings, safe_harbor, state)

    assert "Ann" not in str(raised.value)
    assert dict(state.entries) == {}


def test_mismatched_lists_raise(safe_harbor: Policy, state: SessionState) -> None:
    with pytest.raises(DeidentificationError, match="2 texts but 1 finding lists"):
        deidentify_texts(["a", "b"], [[]], safe_harbor, state)


def test_token_typed_in_other_text_is_skipped(safe_harbor: Policy, state: SessionState) -> None:
    texts = ["Ann Lee is here.", "Earlier the model wrote [PERSON_1]."]

    results = deidentify_texts(
        texts, [findings_at(texts[0], ("Ann Lee", PERSON)), []], safe_harbor, state
    )

    assert results[0].text == "[PERSON_2] is here."
    assert results[1].text == texts[1]


def test_history_consistent_within_request(safe_harbor: Policy, state: SessionState) -> None:
    texts = ["Ann Lee, MRN 4417", "Ann Lee's MRN 4417 is on file", "Ask Mrs. Lee"]
    findings = [
        findings_at(texts[0], ("Ann Lee", PERSON), ("4417", MRN)),
        findings_at(texts[1], ("Ann Lee", PERSON), ("4417", MRN)),
        findings_at(texts[2], ("Mrs. Lee", PERSON)),
    ]

    results = deidentify_texts(texts, findings, safe_harbor, state)

    assert [result.text for result in results] == [
        "[PERSON_1], MRN [MRN_1]",
        "[PERSON_1]'s MRN [MRN_1] is on file",
        "Ask Mrs. [PERSON_SURNAME_1]",
    ]


def test_reprs_hide_text(safe_harbor: Policy, state: SessionState) -> None:
    text = "Seen by Ann Lee."
    result = deidentify_text(text, findings_at(text, ("Ann Lee", PERSON)), safe_harbor, state)

    assert "Ann" not in repr(result)
    assert "PERSON_1" not in repr(result)
    assert "Ann" not in repr(result.replacements)
    assert "Ann" not in repr(state)


WORDS = st.text(alphabet="abcdefghij ", min_size=1, max_size=12)
VALUES = st.sampled_from(
    ["Ann Lee", "Raj Patel", "MRN 4417", "[PERSON_1]", "2024-03-14", "Mr. Lee"]
)
TYPES = {
    "Ann Lee": PERSON,
    "Raj Patel": PERSON,
    "Mr. Lee": PERSON,
    "MRN 4417": MRN,
    "[PERSON_1]": PERSON,
    "2024-03-14": EntityType.DATE,
}


@settings(max_examples=80, deadline=None)
@given(pieces=st.lists(st.tuples(WORDS, VALUES), min_size=1, max_size=8), tail=WORDS)
def test_output_is_input_with_substitutes(
    safe_harbor: Policy, pieces: list[tuple[str, str]], tail: str
) -> None:
    state = SessionState("tenant-a", "property")
    text = "".join(gap + value for gap, value in pieces) + tail
    findings: list[Finding] = []
    cursor = 0
    for gap, value in pieces:
        start = cursor + len(gap)
        findings.append(Finding(TYPES[value], start, start + len(value), 0.9, "test"))
        cursor = start + len(value)

    result = deidentify_text(text, findings, safe_harbor, state)

    assert rebuild(text, result) == result.text
    for replacement in result.replacements:
        written = result.text[replacement.output_start : replacement.output_end]
        original = text[replacement.start : replacement.end]
        token = TOKEN_PATTERN.search(written)
        assert state.entries[token.group() if token else written].original in original
        assert written != original
    assert all(token in state.entries or token == "[PERSON_1]" for token in _tokens(result.text))


def rebuild(text: str, result: DeidentifiedText) -> str:
    pieces: list[str] = []
    cursor = 0
    for replacement in result.replacements:
        pieces.append(text[cursor : replacement.start])
        pieces.append(result.text[replacement.output_start : replacement.output_end])
        cursor = replacement.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _tokens(text: str) -> list[str]:
    return [match.group() for match in TOKEN_PATTERN.finditer(text)]
