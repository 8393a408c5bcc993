"""The Gemini REST surface under /v1 and /v1beta, de-identified on the way out."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from detectors.errors import ClientRequestError, MissingUpstreamKeyError
from proxy.audit import RequestRecord
from proxy.http_errors import error_body
from proxy.incoming import components_of, identify_caller, new_record, read_json_object
from proxy.routes.common import finish, guarded
from proxy.streaming import encode_json_array_item, encode_sse
from proxy.upstream import MISSING_KEY_MESSAGE

logger = logging.getLogger(__name__)
router = APIRouter()

API_VERSIONS = ("v1", "v1beta")
ACTIONS = ("generateContent", "streamGenerateContent", "countTokens")


@router.post("/{api_version}/models/{target}")
async def model_action(api_version: str, target: str, request: Request) -> Response:
    """`models/{model}:generateContent`, `:streamGenerateContent` and `:countTokens`."""
    model, _, action = target.rpartition(":")
    known = api_version in API_VERSIONS and action in ACTIONS
    # Metric labels must stay a small fixed set, so unknown routes share one label.
    record = new_record(request, f"{api_version}:{action}" if known else "unknown")

    async def work() -> Response:
        _check_version(api_version)
        if not model or action not in ACTIONS:
            raise ClientRequestError(f"unsupported method; this proxy serves {', '.join(ACTIONS)}")
        caller = identify_caller(request, record)
        gateway = components_of(request).gateway
        if not gateway.upstream.has_key:
            raise MissingUpstreamKeyError(MISSING_KEY_MESSAGE)
        body = await read_json_object(request)
        deidentified = await gateway.deidentify(body, caller, record)
        path = f"models/{model}:{action}"
        if action == "generateContent":
            return JSONResponse(await gateway.generate(path, api_version, deidentified, record))
        if action == "countTokens":
            return JSONResponse(await gateway.count_tokens(path, api_version, deidentified, record))
        chunks = await gateway.stream(path, api_version, deidentified, record)
        sse = request.query_params.get("alt") == "sse"
        return _streaming_answer(request, chunks, record, sse)

    return await guarded(request, record, work)


@router.get("/{api_version}/models")
async def list_models(api_version: str, request: Request) -> Response:
    """Pass the model listing through; it carries no PHI."""
    return await _passthrough(api_version, "models", request)


@router.get("/{api_version}/models/{model}")
async def get_model(api_version: str, model: str, request: Request) -> Response:
    """Pass one model's description through; it carries no PHI."""
    return await _passthrough(api_version, f"models/{model}", request)


async def _passthrough(api_version: str, path: str, request: Request) -> Response:
    label = "models.get" if "/" in path else "models.list"
    record = new_record(
        request, f"{api_version}:{label}" if api_version in API_VERSIONS else "unknown"
    )

    async def work() -> Response:
        _check_version(api_version)
        identify_caller(request, record)
        query = {k: v for k, v in request.query_params.items() if k in ("pageSize", "pageToken")}
        suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
        answer = await components_of(request).gateway.passthrough(
            path + suffix, api_version, record
        )
        return JSONResponse(answer)

    return await guarded(request, record, work)


def _check_version(api_version: str) -> None:
    if api_version not in API_VERSIONS:
        raise ClientRequestError(f"unsupported API version; use one of {', '.join(API_VERSIONS)}")


class AuditedStreamingResponse(StreamingResponse):
    """A streaming response that writes its own audit line when the stream ends."""

    audits_itself = True


def _streaming_answer(
    request: Request, chunks: AsyncIterator[dict[str, Any]], record: RequestRecord, sse: bool
) -> Response:
    async def body() -> AsyncIterator[bytes]:
        first = True
        try:
            try:
                async for chunk in chunks:
                    yield encode_sse(chunk) if sse else encode_json_array_item(chunk, first)
                    first = False
            except Exception as error:  # noqa: BLE001 - the status line is sent; end the stream
                record.outcome = "error"
                logger.warning(
                    "request %s stream ended early: %s", record.request_id, type(error).__name__
                )
                failure = error_body(502, "the upstream stream failed")
                yield encode_sse(failure) if sse else encode_json_array_item(failure, first)
                first = False
            if not sse:
                yield b"[]" if first else b"]"
        finally:
            finish(request, record)

    media_type = "text/event-stream" if sse else "application/json"
    return AuditedStreamingResponse(body(), media_type=media_type)
