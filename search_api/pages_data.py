"""What the case, practice, metrics and upload pages read, in the JSON shapes the API answers.

One place between the pages and the cases service (`search_api.case_service`, `index.store.case_store`), so a change
of the service touches this file only.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from fastapi import FastAPI

from index.store.case_store import CaseQuery
from index.store.library import Library
from search_api import case_service
from search_api.errors import BadRequest

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


def cases_page(library: Library, filters: CaseFilters) -> dict:
    """`{"total", "cases": [...]}` as GET /api/cases answers."""
    return case_service.find_cases(library, _case_query(filters, (filters.page - 1) * CASE_PAGE_SIZE, CASE_PAGE_SIZE))


def case_browse(library: Library, filters: CaseFilters) -> dict:
    """Places (down to district level) and themes with their case counts over all cases the filters match,
    so a reader can browse by place and theme."""
    places: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    for case in case_service.find_cases(library, _case_query(filters, 0, None))["cases"]:
        places.update(set((case.get("place_chain") or [])[:BROWSE_PLACE_DEPTH]))
        themes.update(set(case.get("themes") or []))
    return {"places": places.most_common(), "themes": themes.most_common()}


def _case_query(filters: CaseFilters, offset: int, limit: int | None):
    if filters.year and not YEAR.fullmatch(filters.year):
        raise BadRequest(f"年份需要四位数字,例如 2023(收到 {filters.year})")
    return CaseQuery(
        text=filters.q or None, place=filters.place or None, theme=filters.theme or None,
        practice=filters.practice or None, year=int(filters.year) if filters.year else None,
        offset=offset, limit=limit,
    )


def case_detail(library: Library, case_id: str) -> dict:
    """One case as GET /api/cases/{case_id} answers (NotFound when unknown)."""
    return case_service.show_case(library, case_id)


def practices(library: Library) -> dict:
    """`{"total", "practices": [{"name", "places": [{"place", "place_chain"}], "cases": [...]}]}`."""
    return case_service.practice_catalogue(library)


def metrics(library: Library, indicator: str) -> dict:
    """`{"total", "metrics": [{"indicator", "value", "unit", "scope", "place", "year", "case_id", "doc_id",
    "evidence", "passage_id"}]}` as GET /api/metrics answers."""
    return case_service.metrics_table(library, indicator)


def upload_support(app: FastAPI) -> UploadSupport:
    """Whether writes are configured, so /upload can say why it cannot work."""
    if not app.state.settings.write_token:
        return UploadSupport(False, "服务器未配置写入令牌(REDPROP_TOKEN),上传功能未开放。")
    return UploadSupport(True)
