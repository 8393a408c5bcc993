"""De-identification inside the caller's own Python process, with no proxy server.

`DeidentifyingClient` wraps a `google.genai.Client`. It exposes the SDK's own `models`,
`chats` and `aio` objects, built on an API client that de-identifies every request body
before the SDK sends it and restores every response body before the SDK parses it. So each call
keeps the SDK's signature and return type (`GenerateContentResponse`, `Chat`, ...) and uses the
same pipeline, policy and vault as the server.

For applications that manage their own calls, `Deidentifier` offers
`deidentify(text) -> DeidentifiedText` and `reidentify(text, session) -> str`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from google import genai
from google.genai.chats import AsyncChats, Chats
from google.genai.models import AsyncModels, Models
from google.genai.types import HttpResponse as SdkHttpResponse

from detectors.errors import ClientRequestError
from policies.loader import load_policy
from policies.schema import Policy
from proxy.audit import RequestRecord
from proxy.auth import DEFAULT_TENANT
from proxy.components import build_pipeline
from proxy.deidentify import Caller, DeidentifiedRequest, RequestDeidentifier
from proxy.pipeline import Pipeline
from proxy.restore import Restorer
from proxy.settings import Settings, load_settings
from proxy.streaming import StreamRestoration, restore_response
from proxy.vault import VaultBackend, default_key_file, load_master_key, open_vault

DEIDENTIFIED_ACTIONS = (":generateContent", ":streamGenerateContent", ":countTokens")

__all__ = ["DeidentifiedText", "Deidentifier", "DeidentifyingClient"]


@dataclass(frozen=True, slots=True)
class DeidentifiedText:
    """A de-identified text and the session whose vault entries restore it."""

    text: str
    session: str

    def __repr__(self) -> str:
        return f"DeidentifiedText(session={self.session!r}, ...)"


class Deidentifier:
    """The pipeline, policy and vault of one process, as a plain API.

    `policy` is a preset name, a YAML path or a `Policy`; `vault` a file path or a backend.
    Unset arguments come from the same `DEID_*` settings as the server.
    """

    def __init__(
        self,
        *,
        policy: str | Path | Policy | None = None,
        vault: str | Path | VaultBackend | None = None,
        tenant: str = DEFAULT_TENANT,
        settings: Settings | None = None,
        pipeline: Pipeline | None = None,
    ) -> None:
        settings = settings or load_settings()
        if pipeline is None:
            chosen = load_policy(str(policy)) if isinstance(policy, (str, Path)) else policy
            pipeline = build_pipeline(settings, chosen)
        self.pipeline = pipeline
        self.vault = _open_vault(vault, settings, pipeline.policy)
        self.tenant = tenant
        self._requests = RequestDeidentifier(pipeline, self.vault)

    def deidentify(self, text: str, session: str | None = None) -> DeidentifiedText:
        """De-identify one text in `session` (a new session when None), storing the mapping."""
        session = session or f"local-{uuid.uuid4()}"
        body = {"contents": [{"parts": [{"text": text}]}]}
        request = self.deidentify_body(body, session)
        return DeidentifiedText(request.body["contents"][0]["parts"][0]["text"], session)

    def reidentify(self, text: str, session: str) -> str:
        """Restore the tokens of `session` in `text`; tokens of other sessions stay as they are."""
        with self.vault.session(self.tenant, session) as state:
            return Restorer(state).restore(text).text

    def deidentify_body(self, body: dict[str, Any], session: str | None) -> DeidentifiedRequest:
        """De-identify a Gemini request body; raises like the server's request path."""
        record = RequestRecord(request_id=uuid.uuid4().hex, route="middleware")
        return self._requests.deidentify(body, Caller(self.tenant, session), record)


class DeidentifyingClient:
    """A google-genai client whose model calls are de-identified in-process.

    `models`, `chats` and `aio` behave as the wrapped client's do. With `session` set, every
    call shares one vault session (consistent tokens across calls); otherwise each call is its
    own session. Calls other than generate, stream, count tokens and model listings are refused
    with `ClientRequestError`, because their payloads are not inspected.
    """

    def __init__(
        self,
        client: genai.Client,
        *,
        policy: str | Path | Policy | None = None,
        vault: str | Path | VaultBackend | None = None,
        session: str | None = None,
        deidentifier: Deidentifier | None = None,
    ) -> None:
        self.deidentifier = deidentifier or Deidentifier(policy=policy, vault=vault)
        api_client = _DeidentifyingApiClient(client._api_client, self.deidentifier, session)
        self.models = Models(api_client)  # type: ignore[arg-type]
        self.chats = Chats(self.models)
        self.aio = _AsyncView(AsyncModels(api_client))  # type: ignore[arg-type]
        self._client = client

    def close(self) -> None:
        self._client.close()


class _AsyncView:
    """The `aio` side of `DeidentifyingClient`: async models and chats."""

    def __init__(self, models: AsyncModels) -> None:
        self.models = models
        self.chats = AsyncChats(models)


class _DeidentifyingApiClient:
    """Stands in for the SDK's `BaseApiClient`: same request methods, bodies de-identified.

    Everything else (base URL, credentials, options) is read from the wrapped API client.
    """

    def __init__(self, inner: Any, deidentifier: Deidentifier, session: str | None) -> None:
        self._inner = inner
        self._deidentifier = deidentifier
        self._session = session

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def request(
        self, http_method: str, path: str, request_dict: dict[str, Any], http_options: Any = None
    ) -> SdkHttpResponse:
        if not self._needs_deidentification(http_method, path):
            response: SdkHttpResponse = self._inner.request(
                http_method, path, request_dict, http_options
            )
            return response
        prepared = self._prepare(request_dict)
        response = self._inner.request(http_method, path, prepared.body, http_options)
        return _restored_whole(response, prepared.restorer)

    def request_streamed(
        self, http_method: str, path: str, request_dict: dict[str, Any], http_options: Any = None
    ) -> Iterator[SdkHttpResponse]:
        prepared = self._prepare(request_dict)
        restoration = StreamRestoration(prepared.restorer)
        headers: dict[str, str] | None = None
        for response in self._inner.request_streamed(
            http_method, path, prepared.body, http_options
        ):
            headers = response.headers
            yield _with_body(response.headers, restoration.restore_chunk(_parse(response)))
        for tail in restoration.flush():
            yield _with_body(headers, tail)

    async def async_request(
        self, http_method: str, path: str, request_dict: dict[str, Any], http_options: Any = None
    ) -> SdkHttpResponse:
        if not self._needs_deidentification(http_method, path):
            answer: SdkHttpResponse = await self._inner.async_request(
                http_method, path, request_dict, http_options
            )
            return answer
        prepared = await anyio.to_thread.run_sync(self._prepare, request_dict)
        response = await self._inner.async_request(http_method, path, prepared.body, http_options)
        return _restored_whole(response, prepared.restorer)

    async def async_request_streamed(
        self, http_method: str, path: str, request_dict: dict[str, Any], http_options: Any = None
    ) -> AsyncIterator[SdkHttpResponse]:
        prepared = await anyio.to_thread.run_sync(self._prepare, request_dict)
        chunks = await self._inner.async_request_streamed(
            http_method, path, prepared.body, http_options
        )
        return _restored_async_stream(chunks, prepared.restorer)

    def _needs_deidentification(self, http_method: str, path: str) -> bool:
        if http_method.lower() == "get":
            return False
        if any(action in path for action in DEIDENTIFIED_ACTIONS):
            return True
        raise ClientRequestError(
            "DeidentifyingClient only forwards generate, stream, count-tokens and model-listing "
            "calls; use the wrapped client directly for calls that carry no PHI"
        )

    def _prepare(self, request_dict: dict[str, Any]) -> DeidentifiedRequest:
        return self._deidentifier.deidentify_body(request_dict, self._session)


async def _restored_async_stream(chunks: Any, restorer: Restorer) -> AsyncIterator[SdkHttpResponse]:
    restoration = StreamRestoration(restorer)
    headers: dict[str, str] | None = None
    async for response in chunks:
        headers = response.headers
        yield _with_body(response.headers, restoration.restore_chunk(_parse(response)))
    for tail in restoration.flush():
        yield _with_body(headers, tail)


def _restored_whole(response: SdkHttpResponse, restorer: Restorer) -> SdkHttpResponse:
    body = _parse(response)
    restore_response(body, restorer)
    return _with_body(response.headers, body)


def _parse(response: SdkHttpResponse) -> dict[str, Any]:
    decoded = json.loads(response.body) if response.body else {}
    return decoded if isinstance(decoded, dict) else {}


def _with_body(headers: dict[str, str] | None, body: dict[str, Any]) -> SdkHttpResponse:
    return SdkHttpResponse(headers=headers, body=json.dumps(body, ensure_ascii=False))


def _open_vault(
    vault: str | Path | VaultBackend | None, settings: Settings, policy: Policy
) -> VaultBackend:
    if vault is not None and not isinstance(vault, (str, Path)):
        return vault
    path = Path(vault) if vault is not None else settings.vault
    key = load_master_key(
        settings.vault_key.get_secret_value() if settings.vault_key else None,
        settings.vault_key_file or default_key_file(path),
    )
    return open_vault(path, key, ttl_seconds=policy.session.ttl_seconds)
