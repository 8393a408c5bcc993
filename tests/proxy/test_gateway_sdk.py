"""End to end through a live proxy with the google-genai SDK: no PHI upstream, exact responses."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import types

PROMPT = (
    "Summarise: John Smith (MRN 4839201), born 03/14/1952, was admitted to Massachusetts "
    "General Hospital. Reach him at 617-555-0199 or john.smith@example.com."
)
PHI_VALUES = [
    "John Smith",
    "4839201",
    "03/14/1952",
    "Massachusetts General Hospital",
    "617-555-0199",
    "john.smith@example.com",
]


def sdk_client(url: str, api_version: str) -> genai.Client:
    return genai.Client(
        api_key="any-client-key",
        http_options=types.HttpOptions(base_url=url, api_version=api_version, timeout=30_000),
    )


def assert_no_phi(received: str) -> None:
    for value in PHI_VALUES:
        assert value not in received, f"a {len(value)}-character PHI value reached the upstream"


@pytest.mark.parametrize("api_version", ["v1", "v1beta"])
def test_generate_content_round_trip(live_proxy, fake_gemini, api_version):
    client = sdk_client(live_proxy.url, api_version)

    response = client.models.generate_content(model="gemini-2.5-flash", contents=PROMPT)

    assert response.text == PROMPT
    assert_no_phi(fake_gemini.received_text())
    assert fake_gemini.requests[0].path == f"/{api_version}/models/gemini-2.5-flash:generateContent"


@pytest.mark.parametrize("api_version", ["v1", "v1beta"])
def test_stream_round_trip(live_proxy, fake_gemini, api_version):
    client = sdk_client(live_proxy.url, api_version)

    chunks = list(client.models.generate_content_stream(model="gemini-2.5-flash", contents=PROMPT))

    assert "".join(chunk.text or "" for chunk in chunks) == PROMPT
    assert len(chunks) > 10
    assert_no_phi(fake_gemini.received_text())


async def test_async_calls_round_trip(live_proxy, fake_gemini):
    client = sdk_client(live_proxy.url, "v1beta")

    whole = await client.aio.models.generate_content(model="gemini-2.5-flash", contents=PROMPT)
    stream = await client.aio.models.generate_content_stream(
        model="gemini-2.5-flash", contents=PROMPT
    )
    streamed = "".join([chunk.text or "" async for chunk in stream])

    assert whole.text == PROMPT
    assert streamed == PROMPT
    assert_no_phi(fake_gemini.received_text())


def test_chat_history_is_consistent(live_proxy, fake_gemini):
    client = sdk_client(live_proxy.url, "v1beta")
    history = [
        types.Content(role="user", parts=[types.Part(text="Patient John Smith has a cough.")]),
        types.Content(role="model", parts=[types.Part(text="How long has John Smith had it?")]),
    ]
    chat = client.chats.create(model="gemini-2.5-flash", history=history)

    reply = chat.send_message("Since Monday. John Smith also has a fever.")

    assert reply.text == "Since Monday. John Smith also has a fever."
    sent = fake_gemini.requests[-1].body["contents"]
    texts = [part["text"] for content in sent for part in content["parts"]]
    assert "John Smith" not in " ".join(texts)
    first_token = texts[0].removeprefix("Patient ").removesuffix(" has a cough.")
    assert first_token in texts[1]
    assert first_token in texts[2]


def test_function_call_arguments_round_trip(live_proxy, fake_gemini):
    client = sdk_client(live_proxy.url, "v1beta")
    contents = [
        types.Content(role="user", parts=[types.Part(text="Look up the chart.")]),
        types.Content(
            role="model",
            parts=[
                types.Part(
                    function_call=types.FunctionCall(
                        name="find_chart", args={"patient": "John Smith", "mrn": "MRN 4839201"}
                    )
                )
            ],
        ),
    ]

    response = client.models.generate_content(model="gemini-2.5-flash", contents=contents)

    assert response.function_calls[0].args == {"patient": "John Smith", "mrn": "MRN 4839201"}
    assert "John Smith" not in fake_gemini.received_text()
    assert "4839201" not in fake_gemini.received_text()


def test_count_tokens_sees_deidentified_text(live_proxy, fake_gemini):
    client = sdk_client(live_proxy.url, "v1beta")

    result = client.models.count_tokens(model="gemini-2.5-flash", contents=PROMPT)

    assert result.total_tokens > 0
    assert fake_gemini.requests[0].path.endswith(":countTokens")
    assert_no_phi(fake_gemini.received_text())


def test_model_listing_passes_through(live_proxy, fake_gemini):
    client = sdk_client(live_proxy.url, "v1beta")

    model = client.models.get(model="fake-model")

    assert model.name == "models/fake-model"
