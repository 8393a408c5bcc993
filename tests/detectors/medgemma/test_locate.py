import pytest

from detectors.medgemma.locate import Span, locate_all


def _texts(source: str, spans: list[Span]) -> list[str]:
    return [source[span.start : span.end] for span in spans]


def test_locate_all_finds_every_occurrence() -> None:
    source = "Maggie came in. Maggie's husband said Maggie slept."

    spans = locate_all(source, "Maggie")

    assert spans == [Span(0, 6), Span(16, 22), Span(38, 44)]


@pytest.mark.parametrize(
    ("source", "needle", "expected"),
    [
        ("Seen by JOHN SMITH today", "John Smith", ["JOHN SMITH"]),
        ("Seen by John\n  Smith today", "John Smith", ["John\n  Smith"]),
        ("Seen by John Smith today", "  John   Smith ", ["John Smith"]),
        ("Call (555) 201-3344 now", "(555) 201-3344", ["(555) 201-3344"]),
        ("Ann had an Annual review; ann agreed", "Ann", ["Ann", "ann"]),
        ("Record MRN48213 filed", "48213", ["48213"]),
    ],
    ids=[
        "case",
        "whitespace",
        "padded needle",
        "punctuation edges",
        "whole words",
        "inside a word",
    ],
)
def test_locate_all_tolerates_case_and_whitespace(
    source: str, needle: str, expected: list[str]
) -> None:
    assert _texts(source, locate_all(source, needle)) == expected


@pytest.mark.parametrize(
    "needle", ["Margaret", "", "   "], ids=["absent", "empty", "whitespace only"]
)
def test_locate_all_not_found_is_empty(needle: str) -> None:
    assert locate_all("Maggie came in.", needle) == []


def test_locate_all_exact_fallback_is_case_sensitive() -> None:
    assert locate_all("Record MRN48213AB filed", "48213ab") == []
