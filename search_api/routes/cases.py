"""GET /api/cases, /api/cases/{case_id}, /api/practices, /api/metrics: the case lookup."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from index.store.case_store import DEFAULT_DEPTH, CaseQuery
from search_api import case_service
from search_api.deps import LibraryDep

router = APIRouter(tags=["cases"])


@router.get("/api/cases")
def list_cases(
    library: LibraryDep,
    q: str | None = None,
    place: str | None = None,
    theme: str | None = None,
    practice: str | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    size: Annotated[int, Query(ge=1, le=case_service.MAX_PAGE_SIZE)] = 20,
    depth: Annotated[int, Query(ge=0, le=5)] = DEFAULT_DEPTH,
) -> dict:
    query = CaseQuery(q, place, theme, practice, year, offset=(page - 1) * size, limit=size, depth=depth)
    return case_service.find_cases(library, query) | {"page": page, "size": size}


@router.get("/api/cases/{case_id}")
def get_case(library: LibraryDep, case_id: str) -> dict:
    return case_service.show_case(library, case_id)


@router.get("/api/practices")
def list_practices(library: LibraryDep, name: str | None = None) -> dict:
    return case_service.practice_catalogue(library, name)


@router.get("/api/metrics")
def list_metrics(library: LibraryDep, indicator: str | None = None, place: str | None = None) -> dict:
    return case_service.metrics_table(library, indicator, place)


@router.get("/api/practices/{key}/timeline")
def practice_timeline(library: LibraryDep, key: str) -> dict:
    """Where and when a practice appeared: appearances by date, first per place and province, related practices."""
    return case_service.practice_timeline(library, key)
