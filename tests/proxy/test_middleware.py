"""The in-process middleware: the SDK's own calls and types, with PHI kept in the process."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import types

from detectors.errors import ClientRequestError
from proxy.middleware import Deidentifier, DeidentifyingClient
from tests.proxy.conftest import TEST_VAULT_KEY, UPSTREAM_KEY
from proxy.settings import load_settings

NOTE = "Follow-up for Harold Jenkins, MRN 5521873, seen on 11/02/2023 at Mercy Hospital."
PHI_VALUES = ["Harold Jenkins", "5521873", "11/02/2023", "Mercy Hospital"]


@pytest.fixture
def deidentifier(tmp_path, shared_pipeline):
    settings = load_settings(vault=tmp_path / "vault.sqlite3", vault_key=TEST_VAULT_KEY)
    return Deidentifier(settings=settings, pipeline=shared_pipeline)


@pytest.fixture
def wrapped(fake_gemini, deidentifier):
    client = genai.Client(
        api_key=UPSTREAM_KEY,
        http_options=types.HttpOptions(base_url=fake_gemini.url, api_version="v1beta"),
    )
    return DeidentifyingClient(client, deidentifier=deidentifier)


def assert_no_phi(fake_gemini):
    received = fake_gemini.received_text()
    for value in PHI_VALUES:
        assert value not in received


def test_generate_content_returns_sdk_type(wrapped, fake_gemini):
    response = wrapped.models.generate_content(model="gemini-2.5-flash", contents=NOTE)

    assert isinstance(response, types.GenerateContentResponse)
    assert response.text == NOTE
    assert_no_phi(fake_gemini)


def test_stream_restores_across_chunks(wrapped, fake_gemini):
    fake_gemini.behaviour.chunk_size = 2

    chunks = list(wrapped.models.generate_content_stream(model="gemini-2.5-flash", contents=NOTE))

    assert all(isinstance(chunk, types.GenerateContentResponse) for chunk in chunks)
    assert "".join(chunk.text or "" for chunk in chunks) == NOTE
    assert_no_phi(fake_gemini)


def test_count_tokens_is_deidentified(wrapped, fake_gemini):
    result = wrapped.models.count_tokens(model="gemini-2.5-flash", contents=NOTE)

    assert isinstance(result, types.CountTokensResponse)
    assert_no_phi(fake_gemini)


def test_chat_send_message_and_stream(wrapped, fake_gemini):
    chat = wrapped.chats.create(model="gemini-2.5-flash")

    first = chat.send_message(NOTE)
    streamed = "".join(
        chunk.text or "" for chunk in chat.send_message_stream("And Harold Jenkins now?")
    )

    assert first.text == NOTE
    assert streamed == "And Harold Jenkins now?"
    history = chat.get_history()
    assert history[0].parts[0].text == NOTE
    assert history[1].parts[0].text == NOTE
    assert_no_phi(fake_gemini)


async def test_async_twins(wrapped, fake_gemini):
    whole = await wrapped.aio.models.generate_content(model="gemini-2.5-flash", contents=NOTE)
    stream = await wrapped.aio.models.generate_content_stream(
        model="gemini-2.5-flash", contents=NOTE
    )
    streamed = "".join([chunk.text or "" async for chunk in stream])
    chat = wrapped.aio.chats.create(model="gemini-2.5-flash")
    reply = await chat.send_message(NOTE)

    assert whole.text == NOTE
    assert streamed == NOTE
    assert reply.text == NOTE
    assert_no_phi(fake_gemini)


def test_uninspected_calls_are_refused(wrapped):
    with pytest.raises(ClientRequestError, match="DeidentifyingClient"):
        wrapped.models.embed_content(model="text-embedding-004", contents=NOTE)


def test_plain_api_round_trip(deidentifier):
    result = deidentifier.deidentify(NOTE)

    for value in PHI_VALUES:
        assert value not in result.text
    assert deidentifier.reidentify(result.text, result.session) == NOTE


def test_plain_api_other_session_is_not_restored(deidentifier):
    result = deidentifier.deidentify(NOTE)

    assert deidentifier.reidentify(result.text, "another-session") == result.text
