import logging

import pytest

import detectors.medgemma
from detectors.base import Detector
from detectors.errors import ConfigurationError, DetectionError
from detectors.medgemma import MedGemmaConfig, create_medgemma_detector
from tests.detectors.medgemma.fake_server import FakeChatServer, ScriptedReply, fenced

NOTE = "Goes by Mags. Lives with her brother Tomasz in Fairholm."


def test_public_api_is_pinned() -> None:
    assert detectors.medgemma.__all__ == [
        "Completion",
        "CompletionBackend",
        "MedGemmaConfig",
        "MedGemmaDetector",
        "MedGemmaStats",
        "create_medgemma_detector",
    ]


@pytest.mark.parametrize(
    "config",
    [MedGemmaConfig(), MedGemmaConfig(model="/models/medgemma", url="http://127.0.0.1:8000/v1")],
    ids=["neither", "both"],
)
def test_factory_needs_exactly_one_backend(config: MedGemmaConfig) -> None:
    with pytest.raises(ConfigurationError, match="exactly one"):
        create_medgemma_detector(config)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("timeout_seconds", 0.0),
        ("max_retries", -1),
        ("max_new_tokens", 0),
        ("batch_size", 0),
        ("score", 1.5),
        ("window_chars", 100),
        ("overlap_chars", 2000),
        ("model_name", " "),
    ],
    ids=lambda value: str(value),
)
def test_config_rejects_invalid_setting(setting: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=setting):
        MedGemmaConfig(url="http://127.0.0.1:8000/v1", **{setting: value})  # type: ignore[arg-type]


def test_detector_satisfies_protocol(chat_server: FakeChatServer) -> None:
    detector = create_medgemma_detector(MedGemmaConfig(url=chat_server.base_url))

    assert isinstance(detector, Detector)
    assert detector.name == "medgemma"


def test_detector_empty_input_calls_nothing(chat_server: FakeChatServer) -> None:
    detector = create_medgemma_detector(MedGemmaConfig(url=chat_server.base_url))

    assert detector.detect([]) == []
    assert detector.detect(["", "  "]) == [[], []]
    assert chat_server.requests == []


def test_detector_overlapping_windows_no_duplicates(chat_server: FakeChatServer) -> None:
    text = ("Vitals stable. " * 30) + "Mags " + ("Plan unchanged. " * 30)
    chat_server.replies = [ScriptedReply(content=fenced([{"text": "Mags", "type": "PERSON"}]))]
    config = MedGemmaConfig(url=chat_server.base_url, window_chars=300, overlap_chars=100)

    [findings] = create_medgemma_detector(config).detect([text])

    assert len(findings) == 1
    assert text[findings[0].start : findings[0].end] == "Mags"


def test_detector_logs_carry_no_phi(
    chat_server: FakeChatServer, caplog: pytest.LogCaptureFixture
) -> None:
    chat_server.replies = [
        ScriptedReply(status=500, raw_body=b'{"error": "Mags"}'),
        ScriptedReply(content='[{"text": "Mags", "type": "PERSON"}, {"text": "Tomasz", "type": "'),
    ]
    config = MedGemmaConfig(url=chat_server.base_url, max_retries=1)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(DetectionError) as caught:
        create_medgemma_detector(config).detect([NOTE])

    logged = caplog.text + str(caught.value)
    for value in ("Mags", "Tomasz", "Fairholm"):
        assert value not in logged
    assert "retrying" in caplog.text
