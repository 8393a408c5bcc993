"""The upstream Gemini API, reached through the google-genai SDK's HTTP client.

Bodies go through the SDK's raw request methods (`BaseApiClient.async_request` and
`async_request_streamed`, google-genai 3.x) rather than its typed `models` calls. The typed
calls rebuild bodies from SDK models, which would drop fields the SDK version does not know yet
and change what the client sent. The SDK still owns the base URL, API version, key header
(`x-goog-api-key`) and transport, which later also carries Vertex AI.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types
from pydantic import SecretStr

from detectors.errors import (
    MissingUpstreamKeyError,
    UpstreamError,
    UpstreamStatusError,
    UpstreamTimeoutError,
)

logger = logging.getLogger(__name__)

JsonObject = dict[str, Any]
MISSING_KEY_MESSAGE = (
    "the proxy has no upstream API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the "
    "proxy's environment and restart it"
)


class Upstream(Protocol):
    """The seam between the proxy and the model API; tests may swap in any implementation."""

    async def call(
        self, method: str, path: str, body: JsonObject | None, api_version: str
    ) -> JsonObject:
        """Send one request and return the decoded JSON response."""
        ...

    def stream(self, path: str, body: JsonObject, api_version: str) -> AsyncIterator[JsonObject]:
        """Send one streaming request and yield each decoded chunk."""
        ...

    @property
    def has_key(self) -> bool:
        """Whether an upstream API key is configured."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class GeminiUpstream:
    """Gemini's REST API through a google-genai client with an explicit timeout.

    Without an API key every call raises `MissingUpstreamKeyError`, so the proxy can start
    and serve health checks while telling clients which variable to set.
    """

    def __init__(self, base_url: str, api_key: SecretStr | None, timeout_seconds: float) -> None:
        self._client: genai.Client | None = None
        if api_key is not None and api_key.get_secret_value():
            options = genai_types.HttpOptions(
                base_url=base_url,
                timeout=int(timeout_seconds * 1000),
                retry_options=genai_types.HttpRetryOptions(attempts=1),
            )
            self._client = genai.Client(api_key=api_key.get_secret_value(), http_options=options)

    @property
    def has_key(self) -> bool:
        return self._client is not None

    async def call(
        self, method: str, path: str, body: JsonObject | None, api_version: str
    ) -> JsonObject:
        """Send one request and return the decoded JSON response; errors become `UpstreamError`s."""
        client = self._require_client()
        options = genai_types.HttpOptions(api_version=api_version)
        try:
            response = await client._api_client.async_request(method, path, body or {}, options)
        except Exception as error:  # translated once, here, at the boundary
            raise _translate(error) from error
        return _decode(response.body)

    async def stream(
        self, path: str, body: JsonObject, api_version: str
    ) -> AsyncIterator[JsonObject]:
        """Send a streaming request (`alt=sse` upstream) and yield each decoded chunk."""
        client = self._require_client()
        options = genai_types.HttpOptions(api_version=api_version)
        try:
            chunks = await client._api_client.async_request_streamed(
                "post", f"{path}?alt=sse", body, options
            )
            async for chunk in chunks:
                yield _decode(chunk.body)
        except UpstreamError:
            raise
        except Exception as error:  # translated once, here, at the boundary
            raise _translate(error) from error

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aio.aclose()

    def _require_client(self) -> genai.Client:
        if self._client is None:
            raise MissingUpstreamKeyError(MISSING_KEY_MESSAGE)
        return self._client


def _decode(body: str | None) -> JsonObject:
    if not body:
        return {}
    try:
        decoded = json.loads(body)
    except json.JSONDecodeError as error:
        raise UpstreamError("upstream returned a body that is not JSON") from error
    if not isinstance(decoded, dict):
        raise UpstreamError("upstream returned JSON that is not an object")
    return decoded


def _translate(error: Exception) -> UpstreamError:
    if isinstance(error, UpstreamError):
        return error
    if isinstance(error, genai_errors.APIError):
        body = error.details if isinstance(error.details, dict) else {}
        return UpstreamStatusError(error.code or 502, body)
    if isinstance(error, httpx2.TimeoutException):
        return UpstreamTimeoutError("upstream did not respond within the timeout")
    if isinstance(error, httpx2.TransportError):
        return UpstreamError(f"upstream could not be reached ({type(error).__name__})")
    return UpstreamError(f"upstream call failed ({type(error).__name__})")
