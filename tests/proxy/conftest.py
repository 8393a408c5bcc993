"""Fixtures for proxy tests: one shared pipeline, a fake Gemini and a live proxy on loopback."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from proxy.app import create_app
from proxy.components import Components, build_components, build_pipeline
from proxy.pipeline import Pipeline
from proxy.settings import Settings, load_settings
from tests.fakes.gemini import FakeGemini, start_fake_gemini

UPSTREAM_KEY = "upstream-key-known-only-to-the-proxy"
TEST_VAULT_KEY = base64.b64encode(b"k" * 32).decode()


@pytest.fixture(scope="session")
def shared_pipeline() -> Pipeline:
    """The default policy's pipeline on the real spaCy model, loaded once per test session."""
    return build_pipeline(load_settings())


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    fake = start_fake_gemini()
    yield fake
    fake.stop()


@dataclass
class LiveProxy:
    """A proxy served by uvicorn on a loopback port."""

    url: str
    components: Components
    settings: Settings

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def proxy_settings(tmp_path: Path, upstream_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "upstream_url": upstream_url,
        "vault": tmp_path / "vault.sqlite3",
        "vault_key": TEST_VAULT_KEY,
        "gemini_api_key": UPSTREAM_KEY,
        "port": free_port(),
        "log_level": "DEBUG",
    }
    values.update(overrides)
    return load_settings(**values)


def serve(settings: Settings, pipeline: Pipeline) -> Iterator[LiveProxy]:
    """Run a proxy in a background thread until the test ends."""
    components = build_components(settings, pipeline=pipeline)
    app = create_app(settings, components)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=settings.port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the proxy did not start")
        time.sleep(0.02)
    try:
        yield LiveProxy(f"http://127.0.0.1:{settings.port}", components, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_proxy(
    tmp_path: Path, fake_gemini: FakeGemini, shared_pipeline: Pipeline
) -> Iterator[LiveProxy]:
    yield from serve(proxy_settings(tmp_path, fake_gemini.url), shared_pipeline)
