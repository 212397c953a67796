"""search(): a query and filters → ranked passages, one best passage per document, with facets and snippets.

Whoosh finds and scores passages; the store supplies the text and document fields shown to the user.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from whoosh import query as q
from whoosh import sorting

from index.library import Library
from index.query import Filters, parse_query
from index.snippets import snippet
from index.visibility import visible_searcher

MAX_PAGE_SIZE = 100
FACET_FIELDS = ("places", "year", "doc_type", "source")


@dataclass
class SearchRequest:
    q: str
    page: int = 1
    size: int = 10
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # relevance | date


@dataclass
class Hit:
    doc_id: str
    title: str
    source: str
    doc_type: str
    date: str | None
    places: list[str]
    passage_id: str
    clause: str | None
    heading: str | None
    text: str
    snippet: str
    score: float
    on_topic: bool


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    size: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]

    def to_json(self) -> dict:
        return asdict(self)


def search(library: Library, request: SearchRequest) -> SearchResult:
    parsed = parse_query(request.q, request.filters)
    page, size = max(1, request.page), max(1, min(request.size, MAX_PAGE_SIZE))
    if parsed.query is None:
        return SearchResult(request.q, 0, page, size, [], {name: {} for name in FACET_FIELDS})
    filter_query = parsed.filters.to_query()
    with visible_searcher(library) as (searcher, mask):
        matched = _matched_docnums(searcher, parsed.query, filter_query, mask)
        facets, doc_count = _facets(searcher, matched)
        sortedby = sorting.FieldFacet("date", reverse=True) if request.sort == "date" else None
        results = searcher.search(
            parsed.query, filter=filter_query, limit=page * size, sortedby=sortedby,
            collapse=sorting.FieldFacet("doc_id"), collapse_limit=1, mask=mask,
        )
        window = [(hit["passage_id"], hit.score or 0.0) for hit in results[(page - 1) * size : page * size]]
    rows = library.store.passages(pid for pid, _ in window)
    hits = [
        _hit(rows[pid], score, parsed.highlights) for pid, score in window if pid in rows
    ]
    return SearchResult(request.q, doc_count, page, size, hits, facets)


def _matched_docnums(searcher, query: q.Query, filter_query: q.Query | None, mask: q.Query | None) -> list[int]:
    combined = q.And([query, filter_query]) if filter_query is not None else query
    if mask is not None:  # documents not (or no longer) in the store: see index/visibility.py
        combined = q.AndNot(combined, mask)
    return list(combined.normalize().docs(searcher))


def _facets(searcher, docnums: list[int]) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per facet value over matching documents (not passages), and the number of documents."""
    seen: set[str] = set()
    counts = {name: Counter() for name in FACET_FIELDS}
    for docnum in docnums:
        fields = searcher.stored_fields(docnum)
        if fields["doc_id"] in seen:
            continue
        seen.add(fields["doc_id"])
        for place in filter(None, (fields.get("places") or "").split(",")):
            counts["places"][place] += 1
        counts["year"][fields.get("year") or "未知"] += 1
        counts["doc_type"][fields.get("doc_type")] += 1
        counts["source"][fields.get("source")] += 1
    return {name: dict(counter.most_common()) for name, counter in counts.items()}, len(seen)


def _hit(row: dict, score: float, highlights: list[str]) -> Hit:
    return Hit(
        doc_id=row["doc_id"], title=row["title"], source=row["source"], doc_type=row["doc_type"],
        date=row["date"], places=row["places"], passage_id=row["passage_id"], clause=row["clause"],
        heading=row["heading"], text=row["text"], snippet=snippet(row["text"], highlights),
        score=round(float(score), 4), on_topic=row["on_topic"],
    )
