"""Operations endpoints: liveness, readiness and metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from detectors.errors import DeidError
from proxy.incoming import components_of

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/healthz")
async def healthz() -> Response:
    """Liveness: the process serves HTTP."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """Ready: the detectors are loaded and the vault accepts writes."""
    components = components_of(request)
    checks = {"detectors": bool(components.pipeline.detectors), "vault": True}
    try:
        components.vault.check_writable()
    except DeidError as error:
        logger.error("readiness check failed: vault: %s", type(error).__name__)
        checks["vault"] = False
    ready = all(checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus metrics in the text exposition format."""
    return Response(components_of(request).metrics.render(), media_type=CONTENT_TYPE_LATEST)
