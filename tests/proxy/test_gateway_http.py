"""The REST surface through a live proxy: fidelity, errors, limits and failing closed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from detectors.errors import DetectionError, VaultError
from tests.proxy.conftest import UPSTREAM_KEY, proxy_settings, serve

NOTE = "Mrs. Maria Gonzalez (MRN 7723104) was seen on 04/02/2024 for chest pain."
GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent"


def request_body(text: str = NOTE) -> dict:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}]}


def test_non_text_fields_pass_through_unchanged(live_proxy, fake_gemini):
    body = request_body()
    body.update(
        {
            "generationConfig": {
                "temperature": 0.1,
                "topK": 3,
                "responseMimeType": "text/plain",
                "thinkingConfig": {"thinkingBudget": 0},
            },
            "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
            "tools": [
                {
                    "functionDeclarations": [
                        {
                            "name": "f",
                            "description": "Find Maria Gonzalez",
                            "parameters": {"type": "object"},
                        }
                    ]
                }
            ],
            "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
            "futureField": {"nested": [1, "two", None]},
        }
    )
    body["contents"][0]["parts"].append({"thought": True, "thoughtSignature": "c2ln", "text": "x"})

    with live_proxy.client() as client:
        client.post(GENERATE, json=body).raise_for_status()

    received = copy.deepcopy(fake_gemini.requests[0].body)
    for key in ("generationConfig", "safetySettings", "tools", "toolConfig", "futureField"):
        assert received[key] == body[key]
    assert received["contents"][0]["parts"][1]["thoughtSignature"] == "c2ln"
    assert "Maria Gonzalez" not in received["contents"][0]["parts"][0]["text"]


def test_answer_fields_pass_back_unchanged(live_proxy, fake_gemini):
    with live_proxy.client() as client:
        answer = client.post(GENERATE, json=request_body()).json()

    assert answer["usageMetadata"] == {"totalTokenCount": 1}
    assert answer["modelVersion"] == "fake"
    assert answer["candidates"][0]["finishReason"] == "STOP"
    assert answer["candidates"][0]["content"]["parts"][0]["text"] == NOTE


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7], ids=lambda size: f"chunks-of-{size}")
def test_stream_restores_tokens_split_across_chunks(live_proxy, fake_gemini, chunk_size):
    fake_gemini.behaviour.chunk_size = chunk_size
    path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"

    with live_proxy.client() as client:
        response = client.post(path, json=request_body())

    events = [
        json.loads(line[6:])
        for line in response.text.split("\r\n\r\n")
        if line.startswith("data: ")
    ]
    text = "".join(
        part.get("text", "")
        for event in events
        for part in event["candidates"][0]["content"]["parts"]
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    assert text == NOTE


def test_stream_without_sse_is_a_json_array(live_proxy, fake_gemini):
    path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent"

    with live_proxy.client() as client:
        chunks = client.post(path, json=request_body()).json()

    assert isinstance(chunks, list)
    assert (
        "".join(c["candidates"][0]["content"]["parts"][0].get("text", "") for c in chunks) == NOTE
    )


def test_client_key_is_not_forwarded(live_proxy, fake_gemini):
    with live_proxy.client(**{"x-goog-api-key": "the-callers-own-key"}) as client:
        client.post(GENERATE, json=request_body()).raise_for_status()

    headers = {k.lower(): v for k, v in fake_gemini.requests[0].headers.items()}
    assert headers["x-goog-api-key"] == UPSTREAM_KEY


@pytest.mark.parametrize("status", [400, 403, 404, 429, 500, 503])
def test_upstream_error_keeps_status_and_shape(live_proxy, fake_gemini, status):
    fake_gemini.behaviour.error_status = status

    with live_proxy.client() as client:
        response = client.post(GENERATE, json=request_body())

    assert response.status_code == status
    assert response.json()["error"]["code"] == status
    assert response.json()["error"]["message"] == "fake upstream error"


def test_upstream_error_message_tokens_are_restored(live_proxy, fake_gemini):
    headers = {"x-deid-session": "error-session"}
    with live_proxy.client(**headers) as client:
        client.post(GENERATE, json=request_body()).raise_for_status()
        token = fake_gemini.requests[0].body["contents"][0]["parts"][0]["text"].split()[1]
        fake_gemini.behaviour.error_status = 400
        fake_gemini.behaviour.error_message = f"cannot answer about {token}"
        response = client.post(GENERATE, json=request_body())

    assert token.startswith("[")
    assert "Gonzalez" in response.json()["error"]["message"]


def test_unreachable_upstream_is_502(tmp_path, shared_pipeline, fake_gemini):
    url = fake_gemini.url
    fake_gemini.stop()
    for proxy in serve(proxy_settings(tmp_path, url), shared_pipeline):
        with proxy.client() as client:
            response = client.post(GENERATE, json=request_body())
        assert response.status_code == 502
        assert response.json()["error"]["status"] == "UNAVAILABLE"


def test_slow_upstream_is_504(tmp_path, shared_pipeline, fake_gemini):
    fake_gemini.behaviour.delay_seconds = 3
    settings = proxy_settings(tmp_path, fake_gemini.url, upstream_timeout_seconds=1)
    for proxy in serve(settings, shared_pipeline):
        with proxy.client() as client:
            response = client.post(GENERATE, json=request_body())
        assert response.status_code == 504


def test_missing_upstream_key_names_variable(tmp_path, shared_pipeline, fake_gemini):
    settings = proxy_settings(tmp_path, fake_gemini.url, gemini_api_key="")
    for proxy in serve(settings, shared_pipeline):
        with proxy.client() as client:
            response = client.post(GENERATE, json=request_body())
        assert response.status_code == 401
        assert "GEMINI_API_KEY" in response.json()["error"]["message"]
    assert fake_gemini.requests == []


def test_client_keys_are_enforced(tmp_path, shared_pipeline, fake_gemini):
    settings = proxy_settings(tmp_path, fake_gemini.url, client_keys="k" * 24 + ":ward")
    for proxy in serve(settings, shared_pipeline):
        with proxy.client() as client:
            missing = client.post(GENERATE, json=request_body())
            wrong = client.post(GENERATE, json=request_body(), headers={"x-goog-api-key": "w" * 24})
            right = client.post(GENERATE, json=request_body(), headers={"x-goog-api-key": "k" * 24})
        assert missing.status_code == 401
        assert wrong.status_code == 401
        assert right.status_code == 200


def test_body_over_limit_is_413(tmp_path, shared_pipeline, fake_gemini):
    settings = proxy_settings(tmp_path, fake_gemini.url, max_request_bytes=2048)
    for proxy in serve(settings, shared_pipeline):
        with proxy.client() as client:
            response = client.post(GENERATE, json=request_body("x " * 2000))
        assert response.status_code == 413
        assert "DEID_MAX_REQUEST_BYTES" in response.json()["error"]["message"]
    assert fake_gemini.requests == []


def test_malformed_json_is_400_without_echo(live_proxy, fake_gemini):
    with live_proxy.client() as client:
        response = client.post(
            GENERATE,
            content=b'{"contents": "Maria Gonzalez',
            headers={"content-type": "application/json"},
        )

    assert response.status_code == 400
    assert "Gonzalez" not in response.text
    assert fake_gemini.requests == []


def test_inline_data_is_refused_by_default(live_proxy, fake_gemini):
    body = request_body()
    body["contents"][0]["parts"].append({"inlineData": {"mimeType": "image/png", "data": "AA=="}})

    with live_proxy.client() as client:
        response = client.post(GENERATE, json=body)

    assert response.status_code == 400
    assert "contents[0].parts[1].inlineData" in response.json()["error"]["message"]
    assert fake_gemini.requests == []


class BrokenDetector:
    name = "broken"

    def detect(self, texts):
        raise RuntimeError(f"detector crashed while reading {texts[0]}")


def refuse(*args, **kwargs):
    raise VaultError("vault is not writable")


@pytest.mark.parametrize("fault", ["detector", "vault", "policy"])
def test_failures_refuse_and_forward_nothing(live_proxy, fake_gemini, monkeypatch, fault):
    gateway = live_proxy.components.gateway
    if fault == "detector":
        monkeypatch.setattr(gateway.pipeline, "detectors", (BrokenDetector(),))
    elif fault == "vault":
        monkeypatch.setattr(gateway.vault, "session", refuse)
    else:
        monkeypatch.setattr("proxy.pipeline.deidentify_texts", refuse_policy)

    with live_proxy.client(**{"x-deid-session": "s1"}) as client:
        response = client.post(GENERATE, json=request_body())

    assert response.status_code == 500
    assert "Gonzalez" not in response.text
    assert "nothing was sent upstream" in response.json()["error"]["message"]
    assert fake_gemini.requests == []


def refuse_policy(*args, **kwargs):
    raise ValueError("operator crashed on Maria Gonzalez")


def test_detection_error_type_is_kept(live_proxy, monkeypatch):
    pipeline = live_proxy.components.gateway.pipeline
    monkeypatch.setattr(pipeline, "detectors", (BrokenDetector(),))

    with pytest.raises(DetectionError) as raised:
        pipeline.find(["Maria Gonzalez"])

    assert "Gonzalez" not in str(raised.value)


def test_unknown_api_version_is_rejected(live_proxy):
    with live_proxy.client() as client:
        response = client.post("/v2/models/m:generateContent", json=request_body())

    assert response.status_code == 400


def test_health_and_readiness(live_proxy):
    with live_proxy.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")

    assert ready.status_code == 200
    assert ready.json()["checks"] == {"detectors": True, "vault": True}


def test_redact_preview_calls_nothing(live_proxy, fake_gemini):
    with live_proxy.client() as client:
        answer = client.post("/deid/v1/redact", json={"text": NOTE}).json()

    assert "Gonzalez" not in answer["text"]
    found = {NOTE[f["start"] : f["end"]] for f in answer["findings"]}
    assert any("Gonzalez" in value for value in found)
    assert {"entity_type", "start", "end", "score", "detector"} <= set(answer["findings"][0])
    assert fake_gemini.requests == []


def minted_token(fake_gemini) -> str:
    text = fake_gemini.requests[-1].body["contents"][0]["parts"][0]["text"]
    token = text.split()[1]
    assert token.startswith("[PERSON_")
    return token


@pytest.mark.parametrize("other_session", ["session-b", None], ids=["other-session", "no-session"])
def test_token_from_another_session_is_not_restored(live_proxy, fake_gemini, other_session):
    with live_proxy.client(**{"x-deid-session": "session-a"}) as client:
        client.post(GENERATE, json=request_body()).raise_for_status()
    token = minted_token(fake_gemini)
    headers = {"x-deid-session": other_session} if other_session else {}

    with live_proxy.client(**headers) as client:
        answer = client.post(GENERATE, json=request_body(f"Who is {token}?")).json()

    assert answer["candidates"][0]["content"]["parts"][0]["text"] == f"Who is {token}?"
    assert "Gonzalez" not in json.dumps(answer)


def test_same_session_keeps_tokens_across_requests(live_proxy, fake_gemini):
    with live_proxy.client(**{"x-deid-session": "ward-7"}) as client:
        client.post(GENERATE, json=request_body()).raise_for_status()
        first = minted_token(fake_gemini)
        answer = client.post(GENERATE, json=request_body("Any news on Maria Gonzalez?")).json()

    assert first in fake_gemini.requests[-1].body["contents"][0]["parts"][0]["text"]
    assert answer["candidates"][0]["content"]["parts"][0]["text"] == "Any news on Maria Gonzalez?"


def test_session_survives_restart(tmp_path, shared_pipeline, fake_gemini):
    settings = proxy_settings(tmp_path, fake_gemini.url)
    for proxy in serve(settings, shared_pipeline):
        with proxy.client(**{"x-deid-session": "long-stay"}) as client:
            client.post(GENERATE, json=request_body()).raise_for_status()
    token = minted_token(fake_gemini)

    for proxy in serve(settings, shared_pipeline):
        with proxy.client(**{"x-deid-session": "long-stay"}) as client:
            answer = client.post(GENERATE, json=request_body(f"Update on {token}")).json()

    assert answer["candidates"][0]["content"]["parts"][0]["text"] == "Update on Maria Gonzalez"
