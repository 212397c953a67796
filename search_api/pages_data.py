"""What the web pages read from packages that may not be installed yet: cases, practices, metrics, upload.

One place for the seam, so wiring a new package means editing this file only. Case data comes from the cases
package (`index.case_store` with its service functions, JSON shapes as in the cases API); while that package is
absent every function here answers None and the pages say "暂无案例数据" instead of showing anything made up.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from fastapi import FastAPI

from index.library import Library

CASES_MODULE = "index.case_store"
# The module whose list_cases / show_case / list_practices / metrics_table answer the cases API.
CASES_SERVICE = "search_api.service"
CASE_PAGE_SIZE = 20


@dataclass
class CaseFilters:
    """The narrowing a user can do on /cases, all of it kept in the URL."""

    q: str = ""
    place: str = ""
    theme: str = ""
    practice: str = ""
    year: str = ""
    page: int = 1

    def active(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value and name != "page"}


@dataclass
class UploadSupport:
    enabled: bool
    reason: str = ""


def cases_available() -> bool:
    return find_spec(CASES_MODULE) is not None


def _cases_service(name: str):
    return getattr(import_module(CASES_SERVICE), name)


def cases_page(library: Library, filters: CaseFilters) -> dict | None:
    """`{"total", "cases": [...]}` as GET /api/cases answers, or None when there is no cases package."""
    if not cases_available():
        return None
    return _cases_service("list_cases")(
        library, q=filters.q, place=filters.place, theme=filters.theme, practice=filters.practice,
        year=filters.year, page=filters.page, size=CASE_PAGE_SIZE,
    )


def case_detail(library: Library, case_id: str) -> dict | None:
    """One case as GET /api/cases/{case_id} answers (NotFound when unknown), or None without the package."""
    if not cases_available():
        return None
    return _cases_service("show_case")(library, case_id)


def practices(library: Library) -> dict | None:
    """`{"practices": [{"name", "places": [...], ...}]}` as GET /api/practices answers, or None."""
    if not cases_available():
        return None
    return _cases_service("list_practices")(library)


def metrics(library: Library, indicator: str) -> dict | None:
    """`{"indicator", "rows": [{"place", "year", "value", "unit", "scope", "evidence", ...}]}`, or None."""
    if not cases_available():
        return None
    return _cases_service("metrics_table")(library, indicator)


def upload_support(app: FastAPI) -> UploadSupport:
    """Whether POST /api/documents exists and writes are configured, so /upload can say why it cannot work."""
    routes = [route for route in app.routes if getattr(route, "path", None) == "/api/documents"]
    if not any("POST" in getattr(route, "methods", ()) for route in routes):
        return UploadSupport(False, "上传接口(POST /api/documents)尚未启用,暂时只能用命令行 redprop ingest 导入文件。")
    if not app.state.settings.write_token:
        return UploadSupport(False, "服务器未配置写入令牌(REDPROP_TOKEN),上传功能未开放。")
    return UploadSupport(True)
