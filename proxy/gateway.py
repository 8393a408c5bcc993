"""The gateway: de-identify a Gemini request, forward it, re-identify the answer.

Everything that can fail before forwarding (detection, the policy step, the vault) runs
before the upstream is called, so a failure forwards nothing.
"""

from __future__ import annotations

import copy
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import anyio

from detectors.errors import (
    ClientRequestError,
    DeidentificationError,
    DetectionError,
    RestoreError,
    UpstreamStatusError,
    VaultError,
)
from detectors.findings import Finding
from policies.schema import Policy
from policies.session import SessionState
from proxy.audit import RequestRecord
from proxy.gemini_fields import JsonObject, find_uninspectable, request_text_slots
from proxy.pipeline import Pipeline, RedactedText
from proxy.restore import Restorer
from proxy.streaming import StreamRestoration, restore_response, restore_strings
from proxy.upstream import Upstream
from proxy.vault import SqliteVault

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent the request: the tenant of its key and the session it names, if any."""

    tenant: str
    session_id: str | None


@dataclass(frozen=True, slots=True)
class DeidentifiedRequest:
    """A request body safe to forward, and the restorer for its answer."""

    body: JsonObject
    restorer: Restorer

    def __repr__(self) -> str:
        return "DeidentifiedRequest(...)"


class Gateway:
    """The request path shared by every Gemini route."""

    def __init__(
        self,
        pipeline: Pipeline,
        vault: SqliteVault,
        upstream: Upstream,
        detection_limiter: anyio.CapacityLimiter,
    ) -> None:
        self.pipeline = pipeline
        self.vault = vault
        self.upstream = upstream
        self._limiter = detection_limiter

    @property
    def policy(self) -> Policy:
        return self.pipeline.policy

    async def deidentify(
        self, body: JsonObject, caller: Caller, record: RequestRecord
    ) -> DeidentifiedRequest:
        """Return a de-identified copy of a request body; the original is not changed.

        Raises `ClientRequestError` for parts that cannot be inspected under the policy, and
        `DeidError` subclasses when detection, the policy step or the vault fails.
        """
        forwarded = copy.deepcopy(body)
        self._check_inspectable(forwarded)
        slots = [slot for slot in request_text_slots(forwarded) if slot.read().strip()]
        texts = [slot.read() for slot in slots]

        started = time.perf_counter()
        findings = await anyio.to_thread.run_sync(self.pipeline.find, texts, limiter=self._limiter)
        record.add_stage("detection", time.perf_counter() - started)

        started = time.perf_counter()
        redacted, state = await anyio.to_thread.run_sync(
            self._apply_policy, texts, findings, caller, limiter=self._limiter
        )
        record.add_stage("policy", time.perf_counter() - started)

        for slot, result in zip(slots, redacted, strict=True):
            slot.write(result.text)
            record.entity_counts.update(finding.entity_type.value for finding in result.findings)
        record.session_id = state.session_id
        return DeidentifiedRequest(forwarded, Restorer(state))

    async def generate(
        self, path: str, api_version: str, request: DeidentifiedRequest, record: RequestRecord
    ) -> JsonObject:
        """Forward a de-identified generateContent request and restore the whole answer."""
        answer = await self._call("post", path, request.body, api_version, request, record)
        started = time.perf_counter()
        counts = restore_response(answer, request.restorer)
        record.add_stage("restore", time.perf_counter() - started)
        record.restored, record.unknown, record.altered = counts.restored, counts.unknown, counts.altered
        return answer

    async def count_tokens(
        self, path: str, api_version: str, request: DeidentifiedRequest, record: RequestRecord
    ) -> JsonObject:
        """Forward a de-identified countTokens request; the answer carries no text."""
        return await self._call("post", path, request.body, api_version, request, record)

    async def stream(
        self, path: str, api_version: str, request: DeidentifiedRequest, record: RequestRecord
    ) -> AsyncIterator[JsonObject]:
        """Forward a streaming request and yield restored chunks.

        The first chunk is fetched before this returns, so an upstream error is raised here
        and can still become a plain HTTP error answer.
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
        self,
        method: str,
        path: str,
        body: JsonObject,
        api_version: str,
        request: DeidentifiedRequest,
        record: RequestRecord,
    ) -> JsonObject:
        started = time.perf_counter()
        try:
            answer = await self.upstream.call(method, path, body, api_version)
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
        counts = restoration.counts
        record.restored, record.unknown, record.altered = counts.restored, counts.unknown, counts.altered

    def _check_inspectable(self, body: JsonObject) -> None:
        if self.policy.uninspectable_parts == "forward":
            return
        paths = find_uninspectable(body)
        if paths:
            raise ClientRequestError(
                f"{paths[0]} cannot be inspected for PHI, so the request was not forwarded; "
                "send the content as text, or use a policy with 'uninspectable_parts: forward'"
            )

    def _apply_policy(
        self, texts: Sequence[str], findings: Sequence[Sequence[Finding]], caller: Caller
    ) -> tuple[list[RedactedText], SessionState]:
        if caller.session_id is None:
            state = SessionState(tenant=caller.tenant, session_id=f"request-{uuid.uuid4()}")
            return self.pipeline.deidentify(texts, findings, state), state
        with self.vault.session(caller.tenant, caller.session_id) as state:
            return self.pipeline.deidentify(texts, findings, state), state


def is_refusal(error: BaseException) -> bool:
    """Return True for failures of the de-identification path (fail-closed refusals)."""
    return isinstance(error, (DetectionError, DeidentificationError, VaultError, RestoreError))
