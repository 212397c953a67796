"""What the web pages read from packages that may not be installed yet: cases, practices, metrics, upload.

One place for the seam, so wiring a new package means editing this file only. Case data comes from the cases
package (`index.case_store` and `search_api.case_service`, JSON shapes as the cases API answers); while that
package is absent every function here answers None and the pages say "暂无案例数据" instead of making anything up.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from fastapi import FastAPI

from index.library import Library
from search_api.errors import BadRequest

# The cases package (being built in parallel): its store and the service the cases API answers from.
CASES_MODULES = ("index.case_store", "search_api.case_service")
CASE_PAGE_SIZE = 20
BROWSE_PLACE_DEPTH = 3  # 省, 市, 区县: finer names (街道, 社区) are on the cards themselves
YEAR = re.compile(r"\d{4}")


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
    return all(find_spec(name) is not None for name in CASES_MODULES)


def _service():
    return import_module("search_api.case_service")


def cases_page(library: Library, filters: CaseFilters) -> dict | None:
    """`{"total", "cases": [...]}` as GET /api/cases answers, or None when there is no cases package."""
    if not cases_available():
        return None
    return _service().find_cases(library, _case_query(filters, (filters.page - 1) * CASE_PAGE_SIZE, CASE_PAGE_SIZE))


def case_browse(library: Library, filters: CaseFilters) -> dict | None:
    """Places (down to district level) and themes with their case counts over all cases the filters match,
    so a reader can browse by place and theme; None without the cases package."""
    if not cases_available():
        return None
    places: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    for case in _service().find_cases(library, _case_query(filters, 0, None))["cases"]:
        places.update(set((case.get("place_chain") or [])[:BROWSE_PLACE_DEPTH]))
        themes.update(set(case.get("themes") or []))
    return {"places": places.most_common(), "themes": themes.most_common()}


def _case_query(filters: CaseFilters, offset: int, limit: int | None):
    if filters.year and not YEAR.fullmatch(filters.year):
        raise BadRequest(f"年份需要四位数字,例如 2023(收到 {filters.year})")
    return import_module("index.case_store").CaseQuery(
        text=filters.q or None, place=filters.place or None, theme=filters.theme or None,
        practice=filters.practice or None, year=int(filters.year) if filters.year else None,
        offset=offset, limit=limit,
    )


def case_detail(library: Library, case_id: str) -> dict | None:
    """One case as GET /api/cases/{case_id} answers (NotFound when unknown), or None without the package."""
    if not cases_available():
        return None
    return _service().show_case(library, case_id)


def practices(library: Library) -> dict | None:
    """`{"total", "practices": [{"name", "places": [{"place", "place_chain"}], "cases": [...]}]}`, or None."""
    if not cases_available():
        return None
    return _service().practice_catalogue(library)


def metrics(library: Library, indicator: str) -> dict | None:
    """`{"total", "metrics": [{"indicator", "value", "unit", "scope", "place", "year", "case_id", "doc_id",
    "evidence", "passage_id"}]}` as GET /api/metrics answers, or None."""
    if not cases_available():
        return None
    return _service().metrics_table(library, indicator)


def upload_support(app: FastAPI) -> UploadSupport:
    """Whether POST /api/documents exists and writes are configured, so /upload can say why it cannot work."""
    if "post" not in app.openapi().get("paths", {}).get("/api/documents", {}):  # the schema lists every API route
        return UploadSupport(False, "上传接口(POST /api/documents)尚未启用,暂时只能用命令行 redprop ingest 导入文件。")
    if not app.state.settings.write_token:
        return UploadSupport(False, "服务器未配置写入令牌(REDPROP_TOKEN),上传功能未开放。")
    return UploadSupport(True)
