"""Shared route wrapper: error responses, the audit line and the log line of every request."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response

from proxy.audit import RequestRecord
from proxy.gateway import is_refusal
from proxy.http_errors import error_response
from proxy.incoming import components_of

logger = logging.getLogger(__name__)


async def guarded(
    request: Request, record: RequestRecord, work: Callable[[], Awaitable[Response]]
) -> Response:
    """Run a route's work; turn any exception into a safe error response and audit the request.

    A streaming response is audited when its stream ends, by the stream itself.
    """
    try:
        response = await work()
    except Exception as error:  # noqa: BLE001 - every failure must become a safe answer
        response = error_response(error, record.request_id)
        record.outcome = "refused" if is_refusal(error) else "error"
        _log_failure(record, error)
    else:
        response.headers["x-request-id"] = record.request_id
    record.status = response.status_code
    if not getattr(response, "audits_itself", False):
        finish(request, record)
    return response


def finish(request: Request, record: RequestRecord) -> None:
    """Write the audit line, the metrics and the summary log line of a finished request."""
    components = components_of(request)
    components.audit.write(record)
    components.metrics.observe(record, time.perf_counter() - record.started)
    logger.info(
        "request %s %s tenant=%s status=%s outcome=%s entities=%d restored=%d unknown=%d",
        record.request_id,
        record.route,
        record.tenant,
        record.status,
        record.outcome,
        sum(record.entity_counts.values()),
        record.restored,
        record.unknown,
    )


def _log_failure(record: RequestRecord, error: BaseException) -> None:
    # Only the exception's type and this project's metadata-only messages are logged: a
    # third-party exception's text (for example from a detector) may quote the input.
    cause = type(error.__cause__).__name__ if error.__cause__ is not None else "none"
    if is_refusal(error):
        logger.error(
            "request %s refused: %s: %s (cause: %s)",
            record.request_id,
            type(error).__name__,
            error,
            cause,
        )
    else:
        logger.warning(
            "request %s failed: %s (cause: %s)", record.request_id, type(error).__name__, cause
        )
