"""search(): a query and filters → ranked passages, one best passage per document, with facets and snippets.

Whoosh finds and scores passages; the store supplies the text and document fields shown to the user.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from whoosh import query as q
from whoosh import sorting

from index.facets import count_facets
from index.library import Library
from index.query import Filters, parse_query
from index.snippets import snippet

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
    with library.index.searcher() as searcher:
        matched = _matched_docnums(searcher, parsed.query, filter_query)
        facets, doc_count = count_facets(searcher, matched)
        sortedby = sorting.FieldFacet("date", reverse=True) if request.sort == "date" else None
        results = searcher.search(
            parsed.query, filter=filter_query, limit=page * size, sortedby=sortedby,
            collapse=sorting.FieldFacet("doc_id"), collapse_limit=1,
        )
        window = [(hit["passage_id"], hit.score or 0.0) for hit in results[(page - 1) * size : page * size]]
    rows = library.store.passages(pid for pid, _ in window)
    hits = [
        _hit(rows[pid], score, parsed.highlights) for pid, score in window if pid in rows
    ]
    return SearchResult(request.q, doc_count, page, size, hits, facets)


def _matched_docnums(searcher, query: q.Query, filter_query: q.Query | None) -> list[int]:
    combined = q.And([query, filter_query]) if filter_query is not None else query
    return list(combined.normalize().docs(searcher))


def _hit(row: dict, score: float, highlights: list[str]) -> Hit:
    return Hit(
        doc_id=row["doc_id"], title=row["title"], source=row["source"], doc_type=row["doc_type"],
        date=row["date"], places=row["places"], passage_id=row["passage_id"], clause=row["clause"],
        heading=row["heading"], text=row["text"], snippet=snippet(row["text"], highlights),
        score=round(float(score), 4), on_topic=row["on_topic"],
    )
