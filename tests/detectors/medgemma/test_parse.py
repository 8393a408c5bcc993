import pytest

from detectors.medgemma.parse import (
    ModelIdentifier,
    ParseStatus,
    parse_output,
    remove_trailing_commas,
)

MAGGIE = ModelIdentifier(text="Maggie", type="PERSON")
KEEPER = ModelIdentifier(text="lighthouse keeper", type="OCCUPATION")


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ('[{"text": "Maggie", "type": "PERSON"}]', (MAGGIE,)),
        (
            (
                '```json\n[{"text": "Maggie", "type": "PERSON"},\n'
                ' {"text": "lighthouse keeper", "type": "OCCUPATION"}]\n```'
            ),
            (MAGGIE, KEEPER),
        ),
        ('```\n[{"text": "Maggie", "type": "PERSON"}]\n```', (MAGGIE,)),
        (
            'Sure! The identifiers are:\n[{"text": "Maggie", "type": "PERSON"}]\nLet me know.',
            (MAGGIE,),
        ),
        ('[{"text": "Maggie", "type": "PERSON",},]', (MAGGIE,)),
        ('{"text": "Maggie", "type": "PERSON"}', (MAGGIE,)),
        ('{"identifiers": [{"text": "Maggie", "type": "PERSON"}]}', (MAGGIE,)),
        (
            '{"text": "Maggie", "type": "PERSON"}\n{"text": "lighthouse keeper", "type": "OCCUPATION"}',
            (MAGGIE, KEEPER),
        ),
        ('["Maggie"]', (ModelIdentifier(text="Maggie", type=""),)),
        ('See [1] for details: [{"text": "Maggie", "type": "PERSON"}]', (MAGGIE,)),
        ('[{"text": "Smith, Jo", "type": "PERSON",}]', (ModelIdentifier("Smith, Jo", "PERSON"),)),
        (
            '[{"text": "a \\"quoted\\" name", "type": "PERSON"}]',
            (ModelIdentifier('a "quoted" name', "PERSON"),),
        ),
        ("[]", ()),
        ("```json\n[]\n```", ()),
    ],
    ids=[
        "plain array",
        "json fence",
        "bare fence",
        "prose around",
        "trailing commas",
        "single object",
        "object holding array",
        "json lines",
        "bare strings",
        "bracket in prose",
        "comma inside string kept",
        "escaped quotes",
        "empty array",
        "fenced empty array",
    ],
)
def test_parse_output_reads_identifiers(output: str, expected: tuple[ModelIdentifier, ...]) -> None:
    parsed = parse_output(output)

    assert parsed.status is ParseStatus.PARSED
    assert parsed.identifiers == expected


@pytest.mark.parametrize(
    "output",
    ["", "No identifiers found.", "|||MMMM\x0c\x0c", "[1, 2, 3]", '{"count": 3}', "[unclosed"],
    ids=[
        "empty",
        "prose",
        "random bytes",
        "list of numbers",
        "unrelated object",
        "unclosed bracket",
    ],
)
def test_parse_output_without_contract_is_no_json(output: str) -> None:
    parsed = parse_output(output)

    assert parsed.status is ParseStatus.NO_JSON
    assert parsed.identifiers == ()


@pytest.mark.parametrize(
    "output",
    [
        '[{"text": "Maggie", "type": "PERSON"}, {"text": "Bo',
        '[{"text": "Dr. "Bob" Lee", "type": "PERSON"}]',
        '```json\n[{"text": Maggie, "type": "PERSON"}]\n```',
    ],
    ids=["cut off inside object", "unescaped quote", "unquoted value"],
)
def test_parse_output_broken_contract_is_malformed(output: str) -> None:
    assert parse_output(output).status is ParseStatus.MALFORMED


def test_parse_output_counts_invalid_items() -> None:
    parsed = parse_output(
        '[{"text": ""}, {"type": "PERSON"}, 7, {"text": "Maggie", "type": "PERSON"}]'
    )

    assert parsed.identifiers == (MAGGIE,)
    assert parsed.invalid_items == 3


def test_parse_output_salvaged_objects_are_not_an_array() -> None:
    whole = parse_output('[{"text": "Maggie", "type": "PERSON"}]')
    salvaged = parse_output('[{"text": "Maggie", "type": "PERSON"}, ')

    assert whole.has_array
    assert salvaged.status is ParseStatus.PARSED
    assert not salvaged.has_array


def test_parse_output_non_string_type_becomes_empty() -> None:
    parsed = parse_output('[{"text": "Maggie", "type": 3}]')

    assert parsed.identifiers == (ModelIdentifier(text="Maggie", type=""),)


def test_remove_trailing_commas_keeps_string_content() -> None:
    assert remove_trailing_commas('["a, ]", "b",]') == '["a, ]", "b"]'


def test_model_identifier_repr_hides_text() -> None:
    assert "Maggie" not in repr(MAGGIE)
