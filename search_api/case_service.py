"""Case lookup shared by the CLI and the HTTP API, as JSON-ready dicts in the shape the issue fixes."""
from __future__ import annotations

from index.store.case_store import CaseQuery, CaseStore
from index.store.library import Library
from search_api.errors import BadRequest, NotFound

MAX_PAGE_SIZE = 200


def case_store(library: Library) -> CaseStore:
    """The case tables as they are: a lookup never extracts (writers do: ingest, reindex, cases rebuild)."""
    return CaseStore(library.store)


def find_cases(library: Library, query: CaseQuery) -> dict:
    if query.limit is not None and not 1 <= query.limit <= MAX_PAGE_SIZE:
        raise BadRequest(f"每页条数须在 1 到 {MAX_PAGE_SIZE} 之间(收到 {query.limit})")
    total, cases = case_store(library).search(query)
    return {"total": total, "cases": cases}


def show_case(library: Library, case_id: str) -> dict:
    case = case_store(library).get(case_id)
    if case is None:
        raise NotFound(f"没有编号为 {case_id} 的案例")
    return case


def practice_catalogue(library: Library, name: str | None = None) -> dict:
    practices = case_store(library).practices(name)
    return {"total": len(practices), "practices": practices}


def metrics_table(library: Library, indicator: str | None = None, place: str | None = None) -> dict:
    rows = case_store(library).metrics(indicator, place)
    return {"total": len(rows), "metrics": rows}


def practice_timeline(library: Library, key: str) -> dict:
    """A practice's spread (index/store/practice_timeline.py); NotFound for a practice no case reports."""
    from index.store.practice_timeline import timeline

    data = timeline(case_store(library).store, key)
    if data is None:
        raise NotFound(f"没有名为 {key} 的做法:做法目录 /api/practices 列出全部做法")
    return data
