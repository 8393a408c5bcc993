"""The pipeline's own steps: known values, second look, type filters and failures."""

from __future__ import annotations

import re

import pytest

from detectors.errors import DetectionError
from detectors.findings import EntityType, Finding
from policies.loader import load_policy
from policies.session import SessionState
from proxy.pipeline import OnlyTypes, Pipeline


class WordDetector:
    """Finds each listed word, with a fixed type, where it is capitalised as given."""

    def __init__(self, words: dict[str, EntityType], name: str = "words") -> None:
        self.name = name
        self.words = words
        self.calls: list[list[str]] = []

    def detect(self, texts):
        self.calls.append(list(texts))
        results = []
        for text in texts:
            found = []
            for word, entity_type in self.words.items():
                for match in re.finditer(rf"\b{re.escape(word)}\b", text):
                    found.append(Finding(entity_type, match.start(), match.end(), 0.9, self.name))
            results.append(found)
        return results


@pytest.fixture(scope="module")
def policy():
    return load_policy("hipaa-safe-harbor")


def test_value_found_once_is_replaced_everywhere(policy):
    pipeline = Pipeline([WordDetector({"Fairhaven": EntityType.LOCATION})], policy)
    texts = ["I moved to Fairhaven.", "the clinic in fairhaven is closed; FAIRHAVEN too"]

    findings = pipeline.find(texts)
    redacted = pipeline.deidentify(texts, findings, SessionState("t", "s"))

    assert redacted[0].text == "I moved to [LOCATION_1]."
    assert redacted[1].text == "the clinic in [LOCATION_1] is closed; [LOCATION_1] too"
    assert len(redacted[1].findings) == 2


def test_session_value_replaced_in_later_turn(policy):
    pipeline = Pipeline([WordDetector({"Oskar": EntityType.PERSON})], policy)
    state = SessionState("t", "s")
    pipeline.deidentify(["Oskar has a cough."], pipeline.find(["Oskar has a cough."]), state)

    redacted = pipeline.deidentify(["Is oskar better?"], [[]], state)

    assert redacted[0].text == "Is [PERSON_1] better?"


class FirstTextDetector:
    """Finds one value, only in the first text of a call."""

    name = "first-text"

    def __init__(self, value: str) -> None:
        self.value = value

    def detect(self, texts):
        start = texts[0].index(self.value)
        first = [Finding(EntityType.ID, start, start + len(self.value), 0.9, self.name)]
        return [first] + [[] for _ in texts[1:]]


@pytest.mark.parametrize("value", ["12", "300"], ids=["two-digits", "three-digits"])
def test_short_numbers_not_propagated(policy, value):
    pipeline = Pipeline([FirstTextDetector(value)], policy)
    texts = [f"ID {value}", f"take {value} mg"]

    redacted = pipeline.deidentify(texts, pipeline.find(texts), SessionState("t", "s"))

    assert redacted[1].text == texts[1]


def test_second_look_adds_findings_in_original_offsets(policy):
    first = WordDetector({"Smith": EntityType.PERSON})
    second = WordDetector({"keeper": EntityType.ID}, name="second")
    pipeline = Pipeline([first], policy, second_look=second)
    text = "Smith is the lighthouse keeper here."

    [redacted] = pipeline.deidentify([text], pipeline.find([text]), SessionState("t", "s"))

    assert redacted.text == "[PERSON_1] is the lighthouse [ID_1] here."
    assert second.calls == [["[PERSON_1] is the lighthouse keeper here."]]
    keeper = next(f for f in redacted.findings if f.entity_type is EntityType.ID)
    assert text[keeper.start : keeper.end] == "keeper"


def test_only_types_filters_findings():
    detector = OnlyTypes(
        WordDetector({"Smith": EntityType.PERSON, "Boston": EntityType.LOCATION}),
        frozenset({EntityType.LOCATION}),
    )

    [findings] = detector.detect(["Smith went to Boston"])

    assert [f.entity_type for f in findings] == [EntityType.LOCATION]


def test_detector_returning_wrong_count_fails_closed(policy):
    class Short:
        name = "short"

        def detect(self, texts):
            return []

    with pytest.raises(DetectionError, match="wrong text count"):
        Pipeline([Short()], policy).find(["a", "b"])


def test_pipeline_needs_a_detector(policy):
    with pytest.raises(DetectionError):
        Pipeline([], policy)
