"""create_app(): the FastAPI application, its error rendering and its routers."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from index.library import Library
from search_api.errors import ApiError
from search_api.routes import documents, pages, search
from search_api.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="redprop", description="红色物业文档检索与案例查询 API", version="0.1.0")
    app.state.settings = settings
    app.state.library = Library(settings.home)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse({"error": error.message}, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'][1:]) or item['loc'][0]}: {item['msg']}" for item in error.errors()
        )
        return JSONResponse({"error": f"请求参数有误:{problems}"}, status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"error": "服务器内部错误,请稍后重试"}, status_code=500)

    app.include_router(search.router)
    app.include_router(documents.router)
    pages.install(app)
    return app
