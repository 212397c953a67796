"""create_app(): the FastAPI application, its error rendering and its routers."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from index.engine import IndexFormatError
from index.store.library import Library
from index.store.migrations import StoreVersionError
from search_api.auth import AccessGate, ReadAccess
from search_api.errors import ApiError, TooManyRequests, Unauthorized
from search_api.logging import RequestLog, http_log
from search_api.ratelimit import RateLimits
from search_api.routes import (
    admin,
    cases,
    collection_pages,
    collections,
    compare,
    documents,
    health,
    login,
    pages,
    practice_pages,
    search,
)
from search_api.server import Utf8QueryMiddleware
from search_api.sessions import SessionCookies
from search_api.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="redprop", description="红色物业文档检索与案例查询 API", version="0.1.0")
    app.state.settings = settings
    app.state.library = Library(settings.home)
    app.state.sessions = SessionCookies(settings) if settings.read_token or settings.write_token else None
    app.state.rate_limits = RateLimits(settings)
    app.state.library.prepare_store(settings.write_lock_wait)  # a writer's start-up: the only place it migrates

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthorized) else None
        if isinstance(error, TooManyRequests):
            headers = {"Retry-After": str(error.retry_after)}
        return JSONResponse({"error": error.message}, status_code=error.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'][1:]) or item['loc'][0]}: {item['msg']}" for item in error.errors()
        )
        return JSONResponse({"error": f"请求参数有误:{problems}"}, status_code=400)

    @app.exception_handler(IndexFormatError)
    @app.exception_handler(StoreVersionError)
    async def other_version(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        http_log.exception("unhandled", extra={"method": request.method, "path": request.url.path})
        return JSONResponse({"error": "服务器内部错误,请稍后重试"}, status_code=500)

    app.add_middleware(AccessGate)
    app.add_middleware(RequestLog)
    app.add_middleware(Utf8QueryMiddleware)  # outermost: every later layer sees a percent-encoded query
    app.include_router(search.router, dependencies=[ReadAccess])
    app.include_router(documents.router, dependencies=[ReadAccess])
    app.include_router(cases.router, dependencies=[ReadAccess])
    app.include_router(compare.api, dependencies=[ReadAccess])
    app.include_router(collections.router)  # reads guarded per route: an edit key is not a read token
    app.include_router(admin.router)
    app.include_router(health.router)
    app.include_router(login.router)
    pages.install(app)
    app.include_router(collection_pages.router)
    app.include_router(practice_pages.router)
    app.include_router(compare.pages)
    return app
