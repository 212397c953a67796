"""Search routes: GET /api/search, /api/analyze, /api/suggest, and "more like this" for passages and documents.

analyze, suggest and similar are rate-limited per client (search_api/ratelimit.py): each costs a searcher
lookup per word or a keyword extraction, and suggest is called as people type.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from search_api import service
from search_api.deps import LibraryDep
from search_api.ratelimit import LIMITED_ANSWER, Expensive

router = APIRouter(prefix="/api", tags=["search"])

Page = Annotated[int, Query(ge=1, le=1000, description="页码")]
Size = Annotated[int, Query(ge=1, le=100, description="每页条数")]
Places = Annotated[list[str] | None, Query(description="地区(省/市/区县任一级,可重复或逗号分隔)")]
Years = Annotated[list[str] | None, Query(description="年份,如 2023 或 2020-2023")]
Types = Annotated[list[str] | None, Query(description="文档类型:news/policy/other(或 新闻/政策)")]
Sources = Annotated[list[str] | None, Query(description="来源文件名")]
DateFrom = Annotated[str | None, Query(description="起始日期,如 2023-01-01")]
DateTo = Annotated[str | None, Query(description="截止日期(含),如 2023-12-31")]
OnTopic = Annotated[bool, Query(description="只看与红色物业主题相关的文章;false 时包含无关文章")]
Topics = Annotated[list[str] | None, Query(
    description="主题标签:red-property/property-industry/party-building-other/unrelated;给出时不再按 on_topic 筛选")]


@router.get("/search", response_model=dict)
def search(
    library: LibraryDep,
    q: Annotated[str, Query(description="查询词;支持 \"短语\"、AND/OR/NOT、place:/type:/year:/source:")] = "",
    page: Page = 1,
    size: Size = 10,
    place: Places = None,
    year: Years = None,
    type: Types = None,
    source: Sources = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    on_topic: OnTopic = True,
    topic: Topics = None,
    sort: Annotated[str, Query(description="relevance(相关度)或 date(日期,新的在前)")] = "relevance",
    collapse: Annotated[bool, Query(description="每篇文档只显示最相关的段落;false 时列出全部匹配段落")] = True,
    per_doc: Annotated[int | None, Query(
        description="每篇文档最多显示几个段落(1 即每篇一条;默认 3,其余以 more_in_document 计数)")] = None,
    level: Annotated[list[str] | None, Query(description="法规层级:national/provincial/city")] = None,
    issuer: Annotated[list[str] | None, Query(description="制定机关:人大常委会/人民政府/部门/司法机关")] = None,
    in_force: Annotated[bool, Query(description="只看现行有效的法规(同名法规的旧版本除外)")] = False,
    exact_total: Annotated[bool, Query(
        description="精确统计总数与分面;默认在大索引上按抽样估算(total_is_estimate 为 true)")] = False,
) -> JSONResponse:
    filters = service.build_filters(place, year, type, source, date_from, date_to, on_topic, topic)
    filters = service.restrict_to_regulations(library, filters, level, issuer, in_force)
    result = service.run_search(library, q, page=page, size=size, filters=filters, sort=sort, collapse=collapse,
                                per_doc=per_doc, exact_total=exact_total)
    # Already JSON-ready: skip FastAPI's recursive jsonable_encoder (2 ms of a search answer's ~15).
    return JSONResponse(result.to_json())


@router.get("/analyze", dependencies=[Expensive], responses=LIMITED_ANSWER)
def analyze(
    library: LibraryDep,
    text: Annotated[str, Query(description="要分析的查询")] = "",
    passage_id: Annotated[str | None, Query(description="与之对照的段落编号:显示哪些词匹配、如何匹配")] = None,
) -> dict:
    return service.analyze_text(library, text, passage_id)


@router.get("/suggest", dependencies=[Expensive], responses=LIMITED_ANSWER)
def suggest(
    library: LibraryDep,
    q: Annotated[str, Query(description="已输入的开头")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict:
    return service.suggestions(library, q, limit)


@router.get("/passages/{passage_id}/similar", dependencies=[Expensive], responses=LIMITED_ANSWER)
def similar_passages(library: LibraryDep, passage_id: str, page: Page = 1, size: Size = 10,
                     on_topic: OnTopic = True) -> dict:
    filters = service.build_filters(on_topic=on_topic)
    return service.similar_passages(library, passage_id, page=page, size=size, filters=filters)


@router.get("/documents/{doc_id}/similar", dependencies=[Expensive], responses=LIMITED_ANSWER)
def similar_documents(library: LibraryDep, doc_id: str, page: Page = 1, size: Size = 10,
                      on_topic: OnTopic = True) -> dict:
    filters = service.build_filters(on_topic=on_topic)
    return service.similar_documents(library, doc_id, page=page, size=size, filters=filters)
