"""Runtime settings: one object, built once at start-up from flags and `DEID_*` variables."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from detectors.errors import ConfigurationError

DEFAULT_UPSTREAM_URL = "https://generativelanguage.googleapis.com"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


def default_vault_path() -> Path:
    """Return the vault file in the user's data directory (for example ~/.local/share)."""
    return Path(platformdirs.user_data_dir("deid-proxy")) / "vault.sqlite3"


class Settings(BaseSettings):
    """Every setting of deid-proxy; each field is also the variable `DEID_<FIELD>`.

    Settings are frozen once built; unsafe combinations are rejected here, at start-up.
    """

    model_config = SettingsConfigDict(env_prefix="DEID_", frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    policy: str = "hipaa-safe-harbor"
    upstream_url: str = DEFAULT_UPSTREAM_URL
    upstream_timeout_seconds: float = Field(default=120.0, gt=0, le=3600)
    vault: Path = Field(default_factory=default_vault_path)
    vault_key: SecretStr | None = None
    vault_key_file: Path | None = None
    log_level: LogLevel = "INFO"
    client_keys: SecretStr | None = None
    client_keys_file: Path | None = None
    max_request_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    detection_concurrency: int = Field(default=2, ge=1, le=64)
    spacy_model: str = "en_core_web_md"
    audit_log: str | None = None
    medgemma_model: str | None = None
    medgemma_url: str | None = None
    medgemma_model_name: str = "medgemma"
    medgemma_timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    medgemma_allow_remote: bool = False
    gemini_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("GEMINI_API_KEY", "GOOGLE_API_KEY")
    )

    @field_validator("upstream_url", "medgemma_url")
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host name")
        if parts.query or parts.fragment:
            raise ValueError("must not carry a query string or fragment")
        return value.rstrip("/")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @property
    def upstream_is_plain_http_remote(self) -> bool:
        """True when the upstream URL sends PHI-free but keyed traffic unencrypted off-host."""
        parts = urlsplit(self.upstream_url)
        return parts.scheme == "http" and not _is_loopback(parts.hostname or "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from `overrides` (command-line flags) over the environment.

    Raises `ConfigurationError` naming the bad setting, its variable and the fix.
    """
    given = {name: value for name, value in overrides.items() if value is not None}
    try:
        settings = Settings(**given)
    except ValidationError as error:
        raise ConfigurationError(_describe_validation_error(error)) from None
    if settings.upstream_is_plain_http_remote:
        raise ConfigurationError(
            "DEID_UPSTREAM_URL (--upstream-url) uses plain http:// to a host that is not "
            "loopback, which would expose the upstream API key; use https://"
        )
    return settings


def _describe_validation_error(error: ValidationError) -> str:
    problems = []
    for detail in error.errors():
        name = str(detail["loc"][0]) if detail["loc"] else "settings"
        variable = name.upper() if name == "gemini_api_key" else f"DEID_{name.upper()}"
        flag = "--" + name.replace("_", "-")
        # Only `msg` is used: `input` is left out because the value may be a secret.
        problems.append(f"{variable} ({flag}) is invalid: {detail['msg']}")
    return "; ".join(problems)
