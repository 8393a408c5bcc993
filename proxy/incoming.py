"""Reading an incoming request: its key, its session, and its JSON body within the size limit."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from fastapi import Request

from detectors.errors import ClientRequestError, PayloadTooLargeError
from proxy.audit import RequestRecord
from proxy.components import Components
from proxy.deidentify import Caller

SESSION_HEADER = "x-deid-session"
SESSION_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def components_of(request: Request) -> Components:
    components: Components = request.app.state.components
    return components


def new_record(request: Request, route: str) -> RequestRecord:
    """Start the audit record of a request, with a fresh request id."""
    components = components_of(request)
    policy = components.pipeline.policy
    return RequestRecord(
        request_id=uuid.uuid4().hex,
        route=route,
        policy_name=policy.name,
        policy_digest=components.policy_digest,
        detectors=components.pipeline.detector_names,
    )


def identify_caller(request: Request, record: RequestRecord) -> Caller:
    """Authenticate the client key and read the session header.

    Raises `AuthenticationError` for a missing or unknown key and `ClientRequestError` for
    a malformed session id.
    """
    presented = request.headers.get("x-goog-api-key") or request.query_params.get("key")
    tenant = components_of(request).client_keys.tenant_for(presented)
    record.tenant = tenant
    session_id = request.headers.get(SESSION_HEADER)
    if session_id is not None and not SESSION_ID_PATTERN.fullmatch(session_id):
        raise ClientRequestError(
            f"invalid {SESSION_HEADER} header: use 1 to 128 letters, digits, '.', '_', ':' or '-'"
        )
    record.session_named = session_id is not None
    return Caller(tenant=tenant, session_id=session_id)


async def read_json_object(request: Request) -> dict[str, Any]:
    """Read the body within DEID_MAX_REQUEST_BYTES and parse it as a JSON object.

    Raises `PayloadTooLargeError` (413) or `ClientRequestError` (400); neither echoes the body.
    """
    limit = components_of(request).settings.max_request_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(_too_large(limit))
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLargeError(_too_large(limit))
    try:
        parsed = json.loads(body)
    except UnicodeDecodeError:
        raise ClientRequestError(
            "request body is not valid UTF-8; send JSON encoded as UTF-8"
        ) from None
    except json.JSONDecodeError as error:
        raise ClientRequestError(f"request body is not valid JSON (line {error.lineno})") from None
    if not isinstance(parsed, dict):
        raise ClientRequestError("request body must be a JSON object")
    return parsed


def _too_large(limit: int) -> str:
    return (
        f"request body is larger than the proxy's limit of {limit} bytes; "
        "send less, or raise DEID_MAX_REQUEST_BYTES"
    )
