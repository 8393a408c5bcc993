"""Errors as HTTP responses, in the JSON shape Gemini uses: {"error": {code, message, status}}.

Messages come from this project's own exceptions, which carry metadata only. Failures inside
the de-identification path get one generic message, because their details help no client and
the rule is simple to check: nothing about the text leaves in an error body.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi.responses import JSONResponse

from detectors.errors import (
    ClientRequestError,
    DeidError,
    MissingUpstreamKeyError,
    UpstreamError,
    UpstreamStatusError,
    UpstreamTimeoutError,
)

logger = logging.getLogger(__name__)

# google.rpc.Code names, as Gemini puts them in "status".
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    413: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
REFUSED_MESSAGE = (
    "de-identification failed, so the request was refused and nothing was sent upstream; "
    "the proxy's log has the details under this request id"
)


def error_body(status: int, message: str) -> dict[str, Any]:
    """Return a Gemini-shaped error body."""
    return {
        "error": {"code": status, "message": message, "status": STATUS_NAMES.get(status, "UNKNOWN")}
    }


def status_and_message(error: BaseException) -> tuple[int, str]:
    """Return the HTTP status and the client-safe message for any exception."""
    if isinstance(error, ClientRequestError):
        return error.status_code, str(error)
    if isinstance(error, MissingUpstreamKeyError):
        return 401, str(error)
    if isinstance(error, UpstreamStatusError):
        return error.status_code, f"the upstream model API answered with HTTP {error.status_code}"
    if isinstance(error, UpstreamTimeoutError):
        return 504, "the upstream model API did not answer within the proxy's timeout"
    if isinstance(error, UpstreamError):
        return 502, "the upstream model API could not be reached"
    if isinstance(error, DeidError):
        return 500, REFUSED_MESSAGE
    return 500, "internal error in the proxy; nothing was sent upstream"


def error_response(error: BaseException, request_id: str) -> JSONResponse:
    """Build the JSON response for an exception raised while serving a request."""
    if isinstance(error, UpstreamStatusError) and isinstance(error.body, dict) and error.body:
        return JSONResponse(error.body, status_code=error.status_code, headers=_id(request_id))
    status, message = status_and_message(error)
    if status >= 500:
        message = f"{message} (request id {request_id})"
    return JSONResponse(error_body(status, message), status_code=status, headers=_id(request_id))


def _id(request_id: str) -> dict[str, str]:
    return {"x-request-id": request_id}
