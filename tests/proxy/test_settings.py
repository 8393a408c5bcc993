"""Settings from flags and the environment, and the start-up errors for bad values."""

import pytest

from detectors.errors import ConfigurationError
from proxy.settings import load_settings


def test_defaults_are_safe():
    settings = load_settings()

    assert settings.host == "127.0.0.1"
    assert settings.port == 8080
    assert settings.policy == "hipaa-safe-harbor"
    assert settings.max_request_bytes == 20 * 1024 * 1024


def test_environment_sets_values(monkeypatch):
    monkeypatch.setenv("DEID_PORT", "9191")
    monkeypatch.setenv("GOOGLE_API_KEY", "from-google-variable")

    settings = load_settings()

    assert settings.port == 9191
    assert settings.gemini_api_key.get_secret_value() == "from-google-variable"


def test_flags_override_environment(monkeypatch):
    monkeypatch.setenv("DEID_PORT", "9191")

    assert load_settings(port=7000).port == 7000


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"port": 70000}, "DEID_PORT (--port)"),
        ({"upstream_url": "ftp://example.invalid"}, "DEID_UPSTREAM_URL"),
        ({"upstream_url": "http://10.1.2.3:8080"}, "DEID_UPSTREAM_URL"),
        ({"log_level": "chatty"}, "DEID_LOG_LEVEL"),
        ({"max_request_bytes": 10}, "DEID_MAX_REQUEST_BYTES"),
    ],
    ids=["port-range", "url-scheme", "plain-http-remote", "log-level", "tiny-body-limit"],
)
def test_bad_setting_names_variable(overrides, named):
    with pytest.raises(ConfigurationError) as raised:
        load_settings(**overrides)

    assert named in str(raised.value)


def test_secrets_are_masked(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-very-secret")
    monkeypatch.setenv("DEID_VAULT_KEY", "also-secret")

    shown = repr(load_settings())

    assert "AIza-very-secret" not in shown
    assert "also-secret" not in shown
