import socket
from typing import Any

import pytest
from pydantic import SecretStr

from detectors.errors import ConfigurationError, DetectionError
from detectors.findings import EntityType
from detectors.medgemma import MedGemmaConfig, MedGemmaDetector, create_medgemma_detector
from detectors.medgemma.openai_backend import OpenAICompatibleBackend, is_local_host
from detectors.medgemma.prompt import ChatMessage
from tests.detectors.medgemma.fake_server import FakeChatServer, ScriptedReply, fenced

NOTE = (
    "Pt seen in clinic. Goes by Mags. She is the only lighthouse keeper on Fairholm "
    "island. BP 128/82, started lisinopril 10 mg. Mags will return in 2 weeks."
)


def _detector(server: FakeChatServer, **overrides: Any) -> MedGemmaDetector:
    settings: dict[str, Any] = {"url": server.base_url, "timeout_seconds": 5.0, **overrides}
    return create_medgemma_detector(MedGemmaConfig(**settings))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_server_findings_have_source_offsets(chat_server: FakeChatServer) -> None:
    chat_server.replies = [
        ScriptedReply(
            content=fenced(
                [
                    {"text": "Mags", "type": "NICKNAME"},
                    {"text": "the only lighthouse keeper on Fairholm island", "type": "OCCUPATION"},
                ]
            )
        )
    ]

    [findings] = _detector(chat_server).detect([NOTE])

    assert [NOTE[f.start : f.end] for f in findings] == [
        "Mags",
        "the only lighthouse keeper on Fairholm island",
        "Mags",
    ]
    assert [f.entity_type for f in findings] == [
        EntityType.PERSON,
        EntityType.ID,
        EntityType.PERSON,
    ]
    assert all(f.detector == "medgemma" for f in findings)


def test_server_receives_chat_request(chat_server: FakeChatServer) -> None:
    _detector(chat_server, model_name="medgemma-27b", max_new_tokens=256).detect([NOTE])

    [request] = chat_server.requests
    assert chat_server.paths == ["/v1/chat/completions"]
    assert request["model"] == "medgemma-27b"
    assert request["temperature"] == 0
    assert request["max_tokens"] == 256
    assert request["messages"][0]["role"] == "user"
    assert NOTE in request["messages"][0]["content"]


def test_server_api_key_sent_as_bearer(chat_server: FakeChatServer) -> None:
    _detector(chat_server, api_key=SecretStr("local-key")).detect([NOTE])

    assert chat_server.headers[0]["Authorization"] == "Bearer local-key"


def test_server_texts_keep_their_order(chat_server: FakeChatServer) -> None:
    def reply_for(message: str) -> ScriptedReply:
        name = "Ines" if "Ines" in message else "Tomas"
        return ScriptedReply(content=fenced([{"text": name, "type": "PERSON"}]))

    chat_server.reply_for = reply_for
    texts = ["Seen: Ines.", "", "Tomas called."]

    findings = _detector(chat_server).detect(texts)

    assert [[text[f.start : f.end] for f in items] for text, items in zip(texts, findings)] == [
        ["Ines"],
        [],
        ["Tomas"],
    ]
    assert len(chat_server.requests) == 2


def test_server_long_text_read_in_windows(chat_server: FakeChatServer) -> None:
    filler = "Vitals stable, plan unchanged. " * 40
    text = f"Maggie admitted. {filler}Seen by Dr. Okafor. {filler}"

    def reply_for(message: str) -> ScriptedReply:
        name = "Okafor" if "Okafor" in message else "Maggie"
        return ScriptedReply(content=fenced([{"text": name, "type": "PERSON"}]))

    chat_server.reply_for = reply_for

    [findings] = _detector(chat_server, window_chars=600, overlap_chars=100).detect([text])

    assert len(chat_server.requests) > 2
    assert sorted({text[f.start : f.end] for f in findings}) == ["Maggie", "Okafor"]


def test_server_not_found_text_dropped_and_counted(chat_server: FakeChatServer) -> None:
    chat_server.replies = [
        ScriptedReply(
            content='[{"text": "Margaret", "type": "PERSON"}, {"text": "Mags", "type": "PERSON"}]'
        )
    ]
    detector = _detector(chat_server)

    [findings] = detector.detect([NOTE])

    assert {NOTE[f.start : f.end] for f in findings} == {"Mags"}
    assert detector.stats.identifiers_not_found == 1


def test_server_prose_output_is_zero_findings(chat_server: FakeChatServer) -> None:
    chat_server.replies = [ScriptedReply(content="I could not find any identifiers.")]
    detector = _detector(chat_server)

    assert detector.detect([NOTE]) == [[]]
    assert detector.stats.outputs_without_json == 1


def test_server_malformed_output_retried(chat_server: FakeChatServer) -> None:
    chat_server.replies = [
        ScriptedReply(content='[{"text": "Mags", "type": "PER'),
        ScriptedReply(content='[{"text": "Mags", "type": "PERSON"}]'),
    ]
    detector = _detector(chat_server, max_retries=1)

    [findings] = detector.detect([NOTE])

    assert len(findings) == 2
    assert len(chat_server.requests) == 2
    assert detector.stats.retries == 1


def test_server_malformed_every_time_raises(chat_server: FakeChatServer) -> None:
    chat_server.replies = [ScriptedReply(content='[{"text": "Mags", "type": "PER')]

    with pytest.raises(DetectionError, match="no usable output") as caught:
        _detector(chat_server, max_retries=2).detect([NOTE])

    assert len(chat_server.requests) == 3
    assert "Mags" not in str(caught.value)


def test_server_cut_off_between_objects_raises(chat_server: FakeChatServer) -> None:
    cut_off = '[{"text": "Mags", "type": "PERSON"}, '
    chat_server.replies = [ScriptedReply(content=cut_off, finish_reason="length")]

    with pytest.raises(DetectionError):
        _detector(chat_server, max_retries=0).detect([NOTE])


def test_server_error_status_retried_then_raises(chat_server: FakeChatServer) -> None:
    chat_server.replies = [ScriptedReply(status=503, raw_body=b'{"error": "loading"}')]

    with pytest.raises(DetectionError, match="HTTP 503"):
        _detector(chat_server, max_retries=1).detect([NOTE])

    assert len(chat_server.requests) == 2


def test_server_error_then_success_recovers(chat_server: FakeChatServer) -> None:
    chat_server.replies = [
        ScriptedReply(status=500, raw_body=b"{}"),
        ScriptedReply(content='[{"text": "Mags", "type": "PERSON"}]'),
    ]

    [findings] = _detector(chat_server, max_retries=1).detect([NOTE])

    assert len(findings) == 2


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"choices": []}', b'{"choices": [{"message": {"content": 5}}]}'],
    ids=["not json", "no choices", "content not text"],
)
def test_server_bad_body_raises(chat_server: FakeChatServer, body: bytes) -> None:
    chat_server.replies = [ScriptedReply(raw_body=body)]

    with pytest.raises(DetectionError):
        _detector(chat_server, max_retries=0).detect([NOTE])


def test_server_down_raises_detection_error() -> None:
    config = MedGemmaConfig(url=f"http://127.0.0.1:{_free_port()}/v1", max_retries=1)
    detector = create_medgemma_detector(config)

    with pytest.raises(DetectionError, match="could not be reached") as caught:
        detector.detect([NOTE])

    assert "Mags" not in str(caught.value)


def test_server_timeout_raises_detection_error(chat_server: FakeChatServer) -> None:
    chat_server.replies = [ScriptedReply(content="[]", delay_seconds=2.0)]
    detector = _detector(chat_server, timeout_seconds=0.2, max_retries=0)

    with pytest.raises(DetectionError, match="timed out"):
        detector.detect([NOTE])


@pytest.mark.parametrize(
    "url",
    ["http://203.0.113.7:8000/v1", "https://medgemma.example.org/v1", "http://[2001:db8::1]/v1"],
    ids=["public ipv4", "host name", "public ipv6"],
)
def test_remote_url_rejected_by_default(url: str) -> None:
    with pytest.raises(ConfigurationError, match="DEID_MEDGEMMA_ALLOW_REMOTE"):
        create_medgemma_detector(MedGemmaConfig(url=url))


def test_remote_url_accepted_when_allowed() -> None:
    detector = create_medgemma_detector(
        MedGemmaConfig(url="http://203.0.113.7:8000/v1", allow_remote=True)
    )

    assert detector.name == "medgemma"


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/v1", "http://127.0.0.1:8000/api", "http:///v1"],
    ids=["scheme", "path without v1", "no host"],
)
def test_invalid_url_rejected(url: str) -> None:
    with pytest.raises(ConfigurationError, match="invalid MedGemma server URL"):
        create_medgemma_detector(MedGemmaConfig(url=url))


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("10.1.2.3", True),
        ("172.20.0.5", True),
        ("192.168.1.20", True),
        ("fd00::5", True),
        ("169.254.169.254", False),
        ("172.32.0.1", False),
        ("203.0.113.7", False),
        ("vllm", False),
    ],
    ids=lambda value: str(value),
)
def test_is_local_host_table(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_backend_repr_hides_api_key() -> None:
    backend = OpenAICompatibleBackend(
        "http://127.0.0.1:9/v1",
        model_name="medgemma",
        timeout_seconds=1.0,
        max_new_tokens=16,
        api_key=SecretStr("local-key"),
    )

    assert "local-key" not in repr(backend)
    assert "local-key" not in repr(
        MedGemmaConfig(url="http://127.0.0.1:9/v1", api_key=SecretStr("local-key"))
    )
    backend.close()


def test_chat_message_repr_hides_content() -> None:
    assert "Mags" not in repr(ChatMessage(role="user", content=NOTE))
