"""What the CLI and the HTTP API both answer, as plain JSON-ready dicts."""
from __future__ import annotations

from index.query.filters import Filters, QuerySyntaxError, check_year
from index.results.explain import UnknownPassage, explain
from index.results.search import SORTS, SearchRequest, SearchResult, search
from index.results.similar import NothingToCompare, similar_to_document, similar_to_passage
from index.results.suggest import suggest
from index.store.library import Library
from search_api.errors import BadRequest, NotFound

DOCUMENT_FIELDS = ("doc_id", "title", "source", "doc_type", "date", "places", "on_topic")


def document_summary(row: dict) -> dict:
    summary = {name: row[name] for name in DOCUMENT_FIELDS}
    summary["passages"] = row["passages"]
    return summary


def list_documents(library: Library, page: int = 1, size: int | None = None) -> dict:
    offset = (page - 1) * size if size else 0
    rows = library.store.list_documents(offset, size)
    return {"total": library.store.count_documents(), "page": page, "size": size,
            "documents": [document_summary(row) for row in rows]}


def show_document(library: Library, doc_id: str) -> dict:
    document = library.store.get_document(doc_id)
    if document is None:
        raise NotFound(f"没有编号为 {doc_id} 的文档")
    data = document.to_dict()
    data["ingested_at"] = library.store.ingested_at(doc_id)
    data["passages"] = [
        {"passage_id": p.passage_id, "ordinal": p.ordinal, "heading": p.heading, "clause": p.clause,
         "chapter": p.chapter, "text": p.text}
        for p in document.passages
    ]
    return data


def build_filters(places=(), years=(), doc_types=(), sources=(), date_from: str | None = None,
                  date_to: str | None = None, on_topic: bool = True) -> Filters:
    """Filters from API/CLI parameters; each list parameter may also hold comma-separated values."""
    def values(items) -> list[str]:
        return [part.strip() for item in items or () for part in str(item).replace(",", ",").split(",") if part.strip()]

    filters = Filters(places=values(places), years=values(years), doc_types=values(doc_types), sources=values(sources),
                      date_from=date_from or None, date_to=date_to or None, on_topic_only=on_topic)
    try:
        for year in filters.years:
            check_year(year)
        filters.to_query()
    except QuerySyntaxError as error:
        raise BadRequest(str(error)) from None
    return filters


def run_search(library: Library, text: str, page: int = 1, size: int = 10, filters: Filters | None = None,
               sort: str = "relevance", collapse: bool = True) -> SearchResult:
    if (not text or not text.strip()) and not (filters and filters.narrows()):
        raise BadRequest("查询不能为空:请输入要查找的词,例如 红色物业(或给出 place/year/type 等筛选条件)")
    if sort not in SORTS:
        raise BadRequest(f"sort 只能是 relevance 或 date(收到 {sort})")
    try:
        return search(library, SearchRequest(text or "", page, size, filters or Filters(), sort, collapse))
    except QuerySyntaxError as error:
        raise BadRequest(str(error)) from None


def analyze_text(library: Library, text: str, passage_id: str | None = None) -> dict:
    if not text or not text.strip():
        raise BadRequest("text 不能为空:请给出要分析的查询,例如 业委会换届")
    try:
        return explain(library, text, passage_id or None)
    except UnknownPassage:
        raise NotFound(f"没有编号为 {passage_id} 的段落") from None


def suggestions(library: Library, prefix: str, limit: int = 10) -> dict:
    return {"q": prefix, "suggestions": suggest(library, prefix or "", limit)}


def similar_passages(library: Library, passage_id: str, page: int = 1, size: int = 10,
                     filters: Filters | None = None) -> dict:
    try:
        return similar_to_passage(library, passage_id, page=page, size=size, filters=filters)
    except NothingToCompare:
        raise NotFound(f"没有编号为 {passage_id} 的段落") from None


def similar_documents(library: Library, doc_id: str, page: int = 1, size: int = 10,
                      filters: Filters | None = None) -> dict:
    try:
        return similar_to_document(library, doc_id, page=page, size=size, filters=filters)
    except NothingToCompare:
        raise NotFound(f"没有编号为 {doc_id} 的文档") from None
