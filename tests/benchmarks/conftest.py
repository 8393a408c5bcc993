"""Fixtures for the benchmark smoke tests: the three timed systems, loaded once."""

from __future__ import annotations

import pytest

from benchmarks.documents import System, build_systems
from proxy.settings import load_settings


@pytest.fixture(scope="session")
def systems() -> list[System]:
    """deid-proxy's pipeline, Presidio's defaults and the bare spaCy pipeline."""
    return build_systems(load_settings())
