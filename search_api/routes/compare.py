"""Comparison routes: the clause matrix (GET /api/compare, page /compare), version diff (GET /api/diff, page
/diff) and clause lineage (GET /api/passages/{id}/lineage). Thin over search_api.compare_service; each page
keeps its whole state in its URL."""
from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from search_api import compare_service
from search_api.deps import LibraryDep
from search_api.errors import ApiError, BadRequest
from search_api.routes.pages import render, url

api = APIRouter(prefix="/api", tags=["compare"])
pages = APIRouter(include_in_schema=False)

Question = Annotated[str, Query(description="要比较的问题,例如 维修资金怎么使用")]
Place = Annotated[str | None, Query(description="只比较该地区的法规")]
Level = Annotated[str | None, Query(description="层级:national/provincial/city")]
YearFrom = Annotated[int | None, Query(ge=1949, le=2100, description="只比较该年及以后的文本")]
Sort = Annotated[str, Query(description="排序:place/date/score")]
Kind = Annotated[str, Query(alias="type", description="policy:每部法规一行;news:每个地区一行")]
SORT_LABELS = {"place": "按地区", "date": "按日期", "score": "按得分"}
LEVEL_OPTIONS = {"": "全部层级", "national": "国家", "provincial": "省级", "city": "市级"}


@api.get("/compare")
def compare(library: LibraryDep, q: Question, place: Place = None, level: Level = None, year_from: YearFrom = None,
            sort: Sort = "place", kind: Kind = "policy") -> dict:
    return compare_service.clause_matrix(library, q, place, level, year_from, sort, kind).to_json()


@api.get("/compare/export")
def compare_export(library: LibraryDep, q: Question, fmt: Annotated[str, Query(alias="format", description="csv/xlsx/docx")],
                   place: Place = None, level: Level = None, year_from: YearFrom = None, sort: Sort = "place",
                   kind: Kind = "policy") -> Response:
    """The matrix as a file to download (CSV with a BOM for Excel, XLSX, DOCX)."""
    matrix = compare_service.clause_matrix(library, q, place, level, year_from, sort, kind)
    content = compare_service.export_matrix(matrix, fmt)
    name = quote(f"条款对比-{matrix.question}.{fmt}")
    return Response(content, media_type=compare_service.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


@api.get("/diff")
def diff(library: LibraryDep, a: Annotated[str, Query(description="旧版本文档编号")],
         b: Annotated[str, Query(description="新版本文档编号")]) -> dict:
    return compare_service.version_diff(library, a, b).to_json()


@api.get("/passages/{passage_id}/lineage")
def lineage(library: LibraryDep, passage_id: str) -> dict:
    return compare_service.lineage_of_passage(library, passage_id)


@pages.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, library: LibraryDep, q: str = "", place: str = "", level: str = "",
                 year_from: str = "", sort: str = "place", kind: Kind = "policy") -> Response:
    state = {"q": q, "place": place, "level": level, "year_from": year_from, "sort": sort, "type": kind}
    matrix = None
    try:
        if year_from and not year_from.isdigit():
            raise BadRequest(f"起始年份需要四位数字,例如 2018(收到 {year_from})")
        if q.strip():
            matrix = compare_service.clause_matrix(library, q, place, level, int(year_from) if year_from else None,
                                                   sort, kind).to_json()
    except ApiError as error:
        return render(request, "compare.html", status=error.status, state=state, matrix=None, error=error.message,
                      sorts=_sort_links(state), levels=LEVEL_OPTIONS)
    exports = [(fmt.upper(), url("/api/compare/export", state | {"format": fmt})) for fmt in ("csv", "xlsx", "docx")]
    return render(request, "compare.html", state=state, matrix=matrix, error=None, sorts=_sort_links(state),
                  levels=LEVEL_OPTIONS, exports=exports)


def _sort_links(state: dict) -> list[tuple[str, str, bool]]:
    return [(label, url("/compare", state | {"sort": key}), state["sort"] == key) for key, label in SORT_LABELS.items()]


@pages.get("/diff", response_class=HTMLResponse)
def diff_page(request: Request, library: LibraryDep, a: str = "", b: str = "") -> Response:
    regulations = compare_service.regulation_choices(library)
    if not (a and b):
        return render(request, "diff.html", diff=None, a=a, b=b, regulations=regulations, error=None)
    try:
        result = compare_service.version_diff(library, a, b)
    except ApiError as error:
        return render(request, "diff.html", status=error.status, diff=None, a=a, b=b, regulations=regulations,
                      error=error.message)
    entries = list(zip([entry.to_json() for entry in result.entries], compare_service.diff_html(result), strict=True))
    return render(request, "diff.html", diff=result.to_json(), entries=entries, a=a, b=b, regulations=regulations,
                  error=None)
