"""Which fields of Gemini bodies are treated as text, and which are refused."""

import pytest

from detectors.errors import ClientRequestError
from proxy.gemini_fields import (
    find_uninspectable,
    map_strings,
    request_text_slots,
    response_text_slots,
)


def full_request() -> dict:
    return {
        "contents": [
            {"role": "user", "parts": [{"text": "user text"}]},
            {
                "role": "model",
                "parts": [
                    {"text": "model text"},
                    {
                        "functionCall": {
                            "name": "lookup",
                            "id": "c1",
                            "args": {"q": "call arg", "n": 3, "deep": ["list arg"]},
                        }
                    },
                ],
            },
            {
                "role": "user",
                "parts": [
                    {
                        "functionResponse": {
                            "name": "lookup",
                            "response": {"result": {"who": "response value"}},
                        }
                    },
                    {"thought": True, "text": "thought text", "thoughtSignature": "c2lnbmF0dXJl"},
                ],
            },
        ],
        "systemInstruction": {"parts": [{"text": "system text"}]},
        "generationConfig": {"temperature": 0.2, "stopSequences": ["not text"]},
        "tools": [{"functionDeclarations": [{"name": "lookup", "description": "not scanned"}]}],
    }


def test_request_slots_cover_every_text_field():
    slots = request_text_slots(full_request())

    assert sorted(slot.read() for slot in slots) == sorted(
        [
            "user text",
            "model text",
            "call arg",
            "3",
            "list arg",
            "response value",
            "thought text",
            "system text",
        ]
    )


def test_request_slots_write_in_place():
    body = full_request()
    for slot in request_text_slots(body):
        slot.write(slot.read().upper())

    assert body["contents"][0]["parts"][0]["text"] == "USER TEXT"
    assert body["contents"][1]["parts"][1]["functionCall"]["args"]["deep"] == ["LIST ARG"]
    assert body["contents"][1]["parts"][1]["functionCall"]["name"] == "lookup"
    assert body["generationConfig"]["stopSequences"] == ["not text"]
    assert body["contents"][2]["parts"][1]["thoughtSignature"] == "c2lnbmF0dXJl"


def test_request_slots_read_snake_case_names():
    body = {
        "contents": [{"parts": [{"text": "a"}]}],
        "system_instruction": {"parts": [{"text": "b"}]},
    }

    assert sorted(slot.read() for slot in request_text_slots(body)) == ["a", "b"]


def test_count_tokens_nested_request_is_scanned():
    body = {
        "generateContentRequest": {
            "model": "models/x",
            "contents": [{"parts": [{"text": "nested"}]}],
        }
    }

    assert [slot.read() for slot in request_text_slots(body)] == ["nested"]


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "AA=="}}]}]},
            ["contents[0].parts[0].inlineData"],
        ),
        (
            {"contents": [{"parts": [{"file_data": {"file_uri": "gs://x"}}]}]},
            ["contents[0].parts[0].file_data"],
        ),
        ({"cachedContent": "cachedContents/abc", "contents": []}, ["cachedContent"]),
        ({"contents": [{"parts": [{"text": "fine"}]}]}, []),
    ],
    ids=["inline-data", "file-data-snake-case", "cached-content", "text-only"],
)
def test_find_uninspectable(body, expected):
    assert find_uninspectable(body) == expected


def test_contents_that_is_not_a_list_is_rejected():
    with pytest.raises(ClientRequestError, match="contents"):
        request_text_slots({"contents": {"parts": []}})


def test_response_slots_carry_candidate_index():
    body = {
        "candidates": [
            {"index": 0, "content": {"parts": [{"text": "first"}]}},
            {
                "index": 1,
                "content": {
                    "parts": [
                        {"text": "second"},
                        {"functionCall": {"name": "f", "args": {"a": "arg"}}},
                    ]
                },
            },
        ]
    }

    found = [(index, slot.read()) for index, slot in response_text_slots(body)]

    assert found == [(0, "first"), (1, "second"), (1, "arg")]


def test_map_strings_keeps_structure():
    value = {"a": ["x", 1, {"b": "y"}], "c": None}

    assert map_strings(value, str.upper) == {"a": ["X", 1, {"b": "Y"}], "c": None}


def test_numbers_in_function_arguments_are_scanned():
    body = {
        "contents": [
            {"parts": [{"functionCall": {"name": "f", "args": {"ssn": 412689035, "flag": True}}}]}
        ]
    }
    slots = request_text_slots(body)

    assert [slot.read() for slot in slots] == ["412689035"]
    slots[0].write("412689035")
    assert body["contents"][0]["parts"][0]["functionCall"]["args"]["ssn"] == 412689035
    slots[0].write("[SSN_1]")
    assert body["contents"][0]["parts"][0]["functionCall"]["args"]["ssn"] == "[SSN_1]"


def test_text_that_is_not_a_string_is_rejected():
    with pytest.raises(ClientRequestError, match=r"contents\[0\].parts\[0\].text must be a string"):
        request_text_slots({"contents": [{"parts": [{"text": 412689035}]}]})
