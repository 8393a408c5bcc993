"""De-identifying one Gemini request body, synchronously: shared by the server and middleware.

Detection needs no session, so it runs before the session lock is taken. The policy step and
the vault write run under the lock, so concurrent requests of one session mint consistent
tokens. Every failure raises before anything could be forwarded.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from detectors.errors import ClientRequestError
from detectors.findings import Finding
from policies.session import SessionState
from proxy.audit import RequestRecord
from proxy.gemini_fields import JsonObject, find_uninspectable, request_text_slots
from proxy.pipeline import Pipeline, RedactedText
from proxy.restore import Restorer
from proxy.vault.base import VaultBackend


@dataclass(frozen=True, slots=True)
class Caller:
    """The sender of a request: the tenant of its key and the session it names, if any."""

    tenant: str
    session_id: str | None


@dataclass(frozen=True, slots=True)
class DeidentifiedRequest:
    """A request body safe to forward, and the restorer for its response."""

    body: JsonObject
    restorer: Restorer

    def __repr__(self) -> str:
        return "DeidentifiedRequest(...)"


class RequestDeidentifier:
    """Turns Gemini request bodies into de-identified copies, under one policy and vault."""

    def __init__(self, pipeline: Pipeline, vault: VaultBackend) -> None:
        self.pipeline = pipeline
        self.vault = vault

    def deidentify(
        self, body: JsonObject, caller: Caller, record: RequestRecord
    ) -> DeidentifiedRequest:
        """Return a de-identified copy of `body`; the original is not changed.

        Raises `ClientRequestError` for parts that cannot be inspected under the policy, and
        `DeidError` subclasses when detection, the policy step or the vault fails.
        """
        forwarded = copy.deepcopy(body)
        self._check_inspectable(forwarded)
        slots = [slot for slot in request_text_slots(forwarded) if slot.read().strip()]
        texts = [slot.read() for slot in slots]

        started = time.perf_counter()
        findings = self.pipeline.find(texts)
        record.add_stage("detection", time.perf_counter() - started)

        started = time.perf_counter()
        redacted, state = self._apply_policy(texts, findings, caller)
        record.add_stage("policy", time.perf_counter() - started)

        for slot, result in zip(slots, redacted, strict=True):
            slot.write(result.text)
            record.entity_counts.update(finding.entity_type.value for finding in result.findings)
        record.session_id = state.session_id
        return DeidentifiedRequest(forwarded, Restorer(state))

    def _check_inspectable(self, body: JsonObject) -> None:
        if self.pipeline.policy.uninspectable_parts == "forward":
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
