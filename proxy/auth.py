"""Client keys: who may call the proxy, and which tenant each key belongs to."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from pathlib import Path

from detectors.errors import AuthenticationError, ConfigurationError

logger = logging.getLogger(__name__)

DEFAULT_TENANT = "default"


@dataclass(frozen=True, slots=True)
class ClientKey:
    """One client key and the tenant it opens; the key never appears in `repr`."""

    secret: str
    tenant: str

    def __repr__(self) -> str:
        return f"ClientKey(tenant={self.tenant!r}, secret='**********')"


class ClientKeys:
    """The proxy's client keys; with none configured, every caller is the default tenant."""

    def __init__(self, keys: list[ClientKey]) -> None:
        self._keys = keys

    @property
    def is_open(self) -> bool:
        return not self._keys

    def tenant_for(self, presented: str | None) -> str:
        """Return the tenant of a presented key; raise `AuthenticationError` if it is unknown."""
        if self.is_open:
            return DEFAULT_TENANT
        if not presented:
            raise AuthenticationError(
                "missing API key: send the proxy's client key in the x-goog-api-key header"
            )
        tenant = None
        for key in self._keys:
            # Compare every key, so the time taken does not reveal which one matched.
            if hmac.compare_digest(key.secret.encode(), presented.encode()):
                tenant = key.tenant
        if tenant is None:
            raise AuthenticationError("API key not valid for this proxy")
        return tenant

    def __repr__(self) -> str:
        return f"ClientKeys(count={len(self._keys)})"


def parse_client_keys(spec: str | None, keys_file: Path | None = None) -> ClientKeys:
    """Parse `KEY[:TENANT]` entries separated by commas or newlines, from a value and a file.

    Raises `ConfigurationError` naming DEID_CLIENT_KEYS or DEID_CLIENT_KEYS_FILE.
    """
    entries: list[tuple[str, str]] = []
    if spec:
        entries.extend((item, "DEID_CLIENT_KEYS") for item in spec.replace("\n", ",").split(","))
    if keys_file is not None:
        try:
            lines = keys_file.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ConfigurationError(
                f"DEID_CLIENT_KEYS_FILE could not be read ({error.strerror}); "
                "point it at a readable file with one KEY[:TENANT] per line"
            ) from None
        entries.extend(
            (line, "DEID_CLIENT_KEYS_FILE") for line in lines if not line.startswith("#")
        )
    keys = [_parse_entry(item.strip(), source) for item, source in entries if item.strip()]
    return ClientKeys(keys)


def _parse_entry(item: str, source: str) -> ClientKey:
    secret, _, tenant = item.partition(":")
    tenant = tenant.strip() or DEFAULT_TENANT
    if len(secret) < 16:
        raise ConfigurationError(
            f"{source} contains a key shorter than 16 characters; "
            "generate keys with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )
    if not tenant.replace("-", "").replace("_", "").isalnum():
        raise ConfigurationError(
            f"{source} names an invalid tenant; use letters, digits, '-' and '_' only"
        )
    return ClientKey(secret=secret, tenant=tenant)
