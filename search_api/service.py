"""What the CLI and the HTTP API both answer, as plain JSON-ready dicts."""
from __future__ import annotations

from index.query.filters import Filters, QuerySyntaxError, check_topic, check_year
from index.results.explain import UnknownPassage, explain
from index.results.grouping import MAX_PER_DOC
from index.results.search import SORTS, SearchRequest, SearchResult, search
from index.results.similar import NothingToCompare, similar_to_document, similar_to_passage
from index.results.suggest import suggest
from index.store.library import Library
from ingest.places import find_mentions
from search_api.errors import BadRequest, NotFound

# How metadata values read to users (CLI and web pages).
DATE_SOURCE_LABELS = {"meta": "网页元数据", "stamp": "时间戳", "line": "发布时间/来源行", "dateline": "电头",
                      "url": "网址路径", "signature": "落款日期", "lede": "导语日期"}
POLICY_SUBTYPE_LABELS = {"notice": "通知", "plan": "方案", "regulation": "法规"}
PASSAGE_KIND_LABELS = {"caption": "图片说明", "byline": "署名", "furniture": "页面信息"}
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
    data["regulation"] = library.store.regulation_infos(doc_id).get(doc_id)  # issuer, level, history dates
    data["passages"] = [
        {"passage_id": p.passage_id, "ordinal": p.ordinal, "heading": p.heading, "clause": p.clause,
         "chapter": p.chapter, "text": p.text, "kind": str(p.kind)}
        for p in document.passages
    ]
    return data


def build_filters(places=(), years=(), doc_types=(), sources=(), date_from: str | None = None,
                  date_to: str | None = None, on_topic: bool = True, topics=()) -> Filters:
    """Filters from API/CLI parameters; each list parameter may also hold comma-separated values."""
    def values(items) -> list[str]:
        return [part.strip() for item in items or () for part in str(item).replace(",", ",").split(",") if part.strip()]

    filters = Filters(places=values(places), years=values(years), doc_types=values(doc_types), sources=values(sources),
                      date_from=date_from or None, date_to=date_to or None, on_topic_only=on_topic,
                      topics=values(topics))
    try:
        for topic in filters.topics:
            check_topic(topic)
        for year in filters.years:
            check_year(year)
        filters.to_query()
    except QuerySyntaxError as error:
        raise BadRequest(str(error)) from None
    return filters


def restrict_to_regulations(library: Library, filters: Filters, levels=(), issuers=(), in_force: bool = False) -> Filters:
    """Narrow `filters` to regulations of a level or issuer (metadata kept in the store, not the index)."""
    levels = [part for item in levels or () for part in str(item).replace(",", ",").split(",") if part.strip()]
    issuers = [part for item in issuers or () for part in str(item).replace(",", ",").split(",") if part.strip()]
    if not (levels or issuers or in_force):
        return filters  # a plain search: no regulation metadata, nor its parsers (cn2an…) to import
    from index.compare.regulations import ISSUERS, LEVELS, regulation_doc_ids

    for level in levels:
        if level not in LEVELS:
            raise BadRequest(f"level 只能是 {'/'.join(LEVELS)}(收到 {level})")
    for issuer in issuers:
        if issuer not in ISSUERS:
            raise BadRequest(f"issuer 只能是 {'/'.join(ISSUERS)}(收到 {issuer})")
    filters.doc_ids = regulation_doc_ids(library.store, levels, issuers, in_force)
    return filters


def run_search(library: Library, text: str, page: int = 1, size: int = 10, filters: Filters | None = None,
               sort: str = "relevance", collapse: bool = True, per_doc: int | None = None,
               exact_total: bool = False) -> SearchResult:
    if (not text or not text.strip()) and not (filters and filters.narrows()):
        raise BadRequest("查询不能为空:请输入要查找的词,例如 红色物业(或给出 place/year/type 等筛选条件)")
    if sort not in SORTS:
        raise BadRequest(f"sort 只能是 relevance 或 date(收到 {sort})")
    if per_doc is not None and not 1 <= per_doc <= MAX_PER_DOC:
        raise BadRequest(f"per_doc 须在 1 到 {MAX_PER_DOC} 之间(收到 {per_doc})")
    try:
        return search(library, SearchRequest(text or "", page, size, filters or Filters(), sort, collapse, per_doc,
                                             exact_total=exact_total))
    except QuerySyntaxError as error:
        raise BadRequest(str(error)) from None


def analyze_text(library: Library, text: str, passage_id: str | None = None) -> dict:
    if not text or not text.strip():
        raise BadRequest("text 不能为空:请给出要分析的查询,例如 业委会换届")
    try:
        data = explain(library, text, passage_id or None)
    except UnknownPassage:
        raise NotFound(f"没有编号为 {passage_id} 的段落") from None
    # Why each place in the text counts as one (or why a name is not taken: it is absent here).
    data["places"] = [mention.explain() for mention in find_mentions(text)]
    return data


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
