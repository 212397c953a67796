"""What the CLI and the HTTP API both answer, as plain JSON-ready dicts."""
from __future__ import annotations

from index.library import Library
from index.query import Filters, QuerySyntaxError
from index.search import SearchRequest, SearchResult, search
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
    data["passages"] = [
        {"passage_id": p.passage_id, "ordinal": p.ordinal, "heading": p.heading, "clause": p.clause,
         "chapter": p.chapter, "text": p.text}
        for p in document.passages
    ]
    return data


def run_search(library: Library, text: str, page: int = 1, size: int = 10, filters: Filters | None = None,
               sort: str = "relevance") -> SearchResult:
    if not text or not text.strip():
        raise BadRequest("查询不能为空:请输入要查找的词,例如 红色物业")
    if sort not in ("relevance", "date"):
        raise BadRequest(f"sort 只能是 relevance 或 date(收到 {sort})")
    try:
        return search(library, SearchRequest(text, page, size, filters or Filters(), sort))
    except QuerySyntaxError as error:
        raise BadRequest(str(error)) from None
