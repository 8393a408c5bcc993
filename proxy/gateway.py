"""The gateway: de-identify a Gemini request, forward it, re-identify the response.

Everything that can fail before forwarding (detection, the policy step, the vault) runs
before the upstream is called, so a failure forwards nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import anyio

from detectors.errors import (
    DeidentificationError,
    DetectionError,
    RestoreError,
    UpstreamStatusError,
    VaultError,
)
from proxy.audit import RequestRecord
from proxy.deidentify import Caller, DeidentifiedRequest, RequestDeidentifier
from proxy.gemini_fields import JsonObject
from proxy.pipeline import Pipeline
from proxy.restore import Restorer
from proxy.streaming import StreamRestoration, restore_response, restore_strings
from proxy.upstream import Upstream
from proxy.vault.base import VaultBackend

__all__ = ["Gateway", "is_refusal"]

logger = logging.getLogger(__name__)


class Gateway:
    """The request path shared by every Gemini route."""

    def __init__(
        self,
        pipeline: Pipeline,
        vault: VaultBackend,
        upstream: Upstream,
        detection_limiter: anyio.CapacityLimiter,
    ) -> None:
        self.deidentifier = RequestDeidentifier(pipeline, vault)
        self.pipeline = pipeline
        self.vault = vault
        self.upstream = upstream
        self._limiter = detection_limiter

    async def deidentify(
        self, body: JsonObject, caller: Caller, record: RequestRecord
    ) -> DeidentifiedRequest:
        """Return a de-identified copy of a request body, computed off the event loop.

        Raises what `RequestDeidentifier.deidentify` raises.
        """
        return await anyio.to_thread.run_sync(
            self.deidentifier.deidentify, body, caller, record, limiter=self._limiter
        )

    async def generate(
        self, path: str, api_version: str, request: DeidentifiedRequest, record: RequestRecord
    ) -> JsonObject:
        """Forward a de-identified generateContent request and restore the whole response."""
        answer = await self._call(path, api_version, request, record)
        started = time.perf_counter()
        record.add_restore_counts(restore_response(answer, request.restorer))
        record.add_stage("restore", time.perf_counter() - started)
        return answer

    async def count_tokens(
        self, path: str, api_version: str, request: DeidentifiedRequest, record: RequestRecord
    ) -> JsonObject:
        """Forward a de-identified countTokens request; the response carries no text."""
        return await self._call(path, api_version, request, record)

    async def stream(
        self, path: str, api_version: str, request: DeidentifiedRequest, record: RequestRecord
    ) -> AsyncIterator[JsonObject]:
        """Forward a streaming request and return an iterator of restored chunks.

        The first chunk is fetched before this returns, so an upstream error is raised here
        and can still become a plain HTTP error response.
        """
        chunks = self.upstream.stream(path, request.body, api_version).__aiter__()
        try:
            first = await chunks.__anext__()
        except StopAsyncIteration:
            first = None
        except UpstreamStatusError as error:
            record.upstream_status = error.status_code
            error.body = restore_strings(error.body, request.restorer)
            raise
        record.upstream_status = 200
        return self._restored_stream(first, chunks, request.restorer, record)

    async def passthrough(self, path: str, api_version: str, record: RequestRecord) -> JsonObject:
        """Forward a GET that carries no PHI (model listings) unchanged."""
        try:
            answer = await self.upstream.call("get", path, None, api_version)
        except UpstreamStatusError as error:
            record.upstream_status = error.status_code
            raise
        record.upstream_status = 200
        return answer

    async def _call(
        self, path: str, api_version: str, request: DeidentifiedRequest, record: RequestRecord
    ) -> JsonObject:
        started = time.perf_counter()
        try:
            answer = await self.upstream.call("post", path, request.body, api_version)
        except UpstreamStatusError as error:
            record.upstream_status = error.status_code
            error.body = restore_strings(error.body, request.restorer)
            raise
        finally:
            record.add_stage("upstream", time.perf_counter() - started)
        record.upstream_status = 200
        return answer

    async def _restored_stream(
        self,
        first: JsonObject | None,
        chunks: AsyncIterator[JsonObject],
        restorer: Restorer,
        record: RequestRecord,
    ) -> AsyncIterator[JsonObject]:
        restoration = StreamRestoration(restorer)
        if first is not None:
            yield restoration.restore_chunk(first)
            async for chunk in chunks:
                yield restoration.restore_chunk(chunk)
        for tail in restoration.flush():
            yield tail
        record.add_restore_counts(restoration.counts)


def is_refusal(error: BaseException) -> bool:
    """Return True for failures of the de-identification path (fail-closed refusals)."""
    return isinstance(error, (DetectionError, DeidentificationError, VaultError, RestoreError))
