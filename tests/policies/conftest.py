"""Fixtures shared by the policy tests: presets load once per test session."""

from __future__ import annotations

import pytest

from policies.loader import load_policy
from policies.schema import Policy
from policies.session import SessionState


@pytest.fixture(scope="session")
def safe_harbor() -> Policy:
    return load_policy("hipaa-safe-harbor")


@pytest.fixture
def state() -> SessionState:
    return SessionState(tenant="tenant-a", session_id="session-1")
