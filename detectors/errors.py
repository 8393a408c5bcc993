"""The one exception tree of deid-proxy, split by who is at fault.

It lives in the lowest layer so that detectors, policies and the proxy raise the same types.
Messages carry metadata only (entity types, counts, offsets, ids, setting names), never the
text being protected.
"""

from __future__ import annotations


class DeidError(Exception):
    """Base class of every error deid-proxy raises on purpose."""


class ClientRequestError(DeidError):
    """The client's request is invalid. The message names what the client must change."""

    status_code = 400


class AuthenticationError(ClientRequestError):
    """The client's key is missing or not one of the proxy's client keys."""

    status_code = 401


class PayloadTooLargeError(ClientRequestError):
    """The request body is larger than the configured limit."""

    status_code = 413


class ConfigurationError(DeidError):
    """A setting or policy is invalid; the message names the setting and the fix."""


class PolicyError(ConfigurationError):
    """A policy file does not validate."""


class MissingUpstreamKeyError(ConfigurationError):
    """No upstream API key is configured, so nothing can be forwarded."""


class UpstreamError(DeidError):
    """The upstream model API failed or could not be reached."""

    status_code = 502


class UpstreamTimeoutError(UpstreamError):
    """The upstream did not respond within the configured timeout."""

    status_code = 504


class UpstreamStatusError(UpstreamError):
    """The upstream returned an error status. Its status and JSON body are kept."""

    def __init__(self, status_code: int, body: object) -> None:
        super().__init__(f"upstream returned HTTP {status_code}")
        self.status_code = status_code
        self.body = body


class DetectionError(DeidError):
    """A detector could not analyse the text, so the text must not be forwarded."""


class DeidentificationError(DeidError):
    """The policy step could not replace the findings."""


class VaultError(DeidError):
    """The vault could not read or write a mapping."""


class RestoreError(DeidError):
    """The response could not be re-identified."""
