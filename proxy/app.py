"""The FastAPI application: routes, error responses, and start-up and shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from proxy.components import Components, build_components
from proxy.http_errors import error_body
from proxy.routes import gemini, local, operations
from proxy.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings, components: Components | None = None) -> FastAPI:
    """Create the app; components are built at start-up unless a test passes them in."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        built = components or build_components(settings)
        app.state.components = built
        _warn_about_open_settings(built)
        purged = built.vault.purge_expired()
        if purged:
            logger.info("purged %d expired vault sessions at start-up", purged)
        logger.info(
            "deid-proxy ready: policy=%s detectors=%s",
            built.pipeline.policy.name,
            ",".join(built.pipeline.detector_names),
        )
        try:
            yield
        finally:
            await built.gateway.upstream.aclose()
            built.vault.close()
            built.audit.close()
            logger.info("deid-proxy stopped")

    app = FastAPI(title="deid-proxy", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.include_router(gemini.router)
    app.include_router(local.router)
    app.include_router(operations.router)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app


def _warn_about_open_settings(components: Components) -> None:
    if components.client_keys.is_open:
        logger.warning(
            "DEID_CLIENT_KEYS is not set: any caller that can reach %s:%s may use the proxy",
            components.settings.host,
            components.settings.port,
        )
    if not components.gateway.upstream.has_key:
        logger.warning("GEMINI_API_KEY is not set: upstream calls will get HTTP 401")


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    status = error.status_code if isinstance(error, StarletteHTTPException) else 500
    message = "not found" if status == 404 else "request could not be served"
    if status == 405:
        message = "method not allowed"
    return JSONResponse(error_body(status, message), status_code=status)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    # FastAPI's default response echoes the invalid input back, which may hold PHI.
    return JSONResponse(error_body(400, "invalid request"), status_code=400)
