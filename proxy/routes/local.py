"""The local preview: de-identify text without calling Gemini."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from detectors.errors import ClientRequestError
from proxy.incoming import components_of, identify_caller, new_record, read_json_object
from proxy.routes.common import guarded
from proxy.serialize import redacted_as_json

router = APIRouter()


@router.post("/deid/v1/redact")
async def redact(request: Request) -> Response:
    """Return `{"text", "findings"}` for a body `{"text": ...}`; nothing leaves the proxy."""
    record = new_record(request, "deid:redact")

    async def work() -> Response:
        identify_caller(request, record)
        body = await read_json_object(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise ClientRequestError("field 'text' is required and must be a string")
        pipeline = components_of(request).pipeline
        redacted = await anyio.to_thread.run_sync(pipeline.redact_batch, [text])
        record.entity_counts.update(f.entity_type.value for f in redacted[0].findings)
        return JSONResponse(redacted_as_json(redacted[0]))

    return await guarded(request, record, work)
