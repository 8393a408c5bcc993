"""Session-wide MedGemma test resources: tiny checkpoints built once, and a fake chat server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.detectors.medgemma.fake_server import FakeChatServer
from tests.detectors.medgemma.tiny_models import save_tiny_multimodal_model, save_tiny_text_model


@pytest.fixture(scope="session")
def tiny_text_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_text_model(tmp_path_factory.mktemp("tiny-gemma3-text"))


@pytest.fixture(scope="session")
def tiny_multimodal_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_multimodal_model(tmp_path_factory.mktemp("tiny-gemma3-multimodal"))


@pytest.fixture(scope="session")
def _running_chat_server() -> Iterator[FakeChatServer]:
    server = FakeChatServer().start()
    yield server
    server.stop()


@pytest.fixture
def chat_server(_running_chat_server: FakeChatServer) -> FakeChatServer:
    """The session's fake chat server, with its script and records cleared."""
    _running_chat_server.reset()
    return _running_chat_server
