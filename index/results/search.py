"""search(): a query and filters → ranked results, each document's best passage (reposts folded into their
canonical document) with its close further passages grouped under it (index/results/grouping.py), with
neighbours, facets and snippets.

Whoosh finds and scores passages; the store supplies the text and document fields shown to the user.
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field, replace

import numpy as np

from index.engine import nodes as q
from index.engine.collect import scored_matches
from index.engine.filtermask import is_broad
from index.engine.phrases import array_phrases
from index.query.filters import Filters
from index.query.syntax import QueryOptions, parse_query, weighted_words
from index.results.context import group_members, neighbours
from index.results.facets import FACET_FIELDS, count_facets
from index.results.feedback import FEEDBACK_PASSAGES, expansion_words
from index.results.grouping import Grouped, grouped
from index.results.ranking import ranked
from index.results.related import related_expansion
from index.results.snippets import snippet
from index.store.library import Library
from index.store.visibility import visible_searcher

MAX_PAGE_SIZE = 100
SORTS = ("relevance", "date")
GROUP_FIELD = "group_id"
BELOW_FIRST_PASS = 0.99  # an expansion-only passage's best score, as a share of the first pass's lowest


@dataclass
class SearchRequest:
    q: str
    page: int = 1
    size: int = 10
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # relevance | date
    collapse: bool = True  # group by document (and its reposts); False lists every matching passage
    per_doc: int | None = None  # passages shown per document when grouping; None: grouping.py's default
    options: QueryOptions = field(default_factory=QueryOptions)


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
    ordinal: int = 0
    kind: str = "text"  # ingest.models.PassageKind: a caption, byline or page furniture is shown as such
    topic: str = "red-property"
    context: dict = field(default_factory=dict)  # {"prev": passage|None, "next": passage|None}
    other_sources: list[dict] = field(default_factory=list)  # reposts of the same article
    grouped_under: str | None = None  # passage_id of the document's best passage this one is shown under
    more_in_document: int = 0  # further matching passages of this document not shown (on a document's best)


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    size: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    sort: str = "relevance"
    relaxed: bool = False  # no passage had every word: these results match some of them
    entries: int = 0  # shown entries over all pages (grouped passages included): what pages count

    def to_json(self) -> dict:
        """Plain dicts (what dataclasses.asdict gives, without its deep copy: every value is JSON-ready)."""
        data = dict(vars(self))
        data["hits"] = [dict(vars(hit)) for hit in self.hits]
        return data


def search(library: Library, request: SearchRequest) -> SearchResult:
    """Strict first (every word, as the query says); when nothing matches, retry with every word optional."""
    result, strict = _search(library, request, request.options)
    if result.total == 0 and not request.options.relaxed:
        relaxed, loose = _search(library, request, replace(request.options, relaxed=True))
        if loose != strict:
            relaxed.relaxed = True
            return relaxed
    return result


def _search(library: Library, request: SearchRequest, options: QueryOptions) -> tuple[SearchResult, str]:
    parsed = parse_query(request.q, deepcopy(request.filters), options)
    query = parsed.query
    if query is None and parsed.filters.narrows():
        query = q.Every()  # filters alone (place:湖州 type:policy) list everything that fits
    # Feedback for questions only: a keyword query says what it wants, and every result should show its words.
    feedback = options.prf and parsed.question and not parsed.excludes
    related = options.related and parsed.question and not parsed.excludes
    return (run_query(library, request, query, parsed.filters.to_query(), parsed.highlights, feedback, related),
            repr(query))


def run_query(library: Library, request: SearchRequest, query: q.Query | None, filter_query: q.Query | None,
              highlights: list[str], feedback: bool = False, related: bool = False) -> SearchResult:
    """Rank, page and dress a built query: shared by search() and "more like this". `feedback`: rank again with
    the query expanded by the words of its best first-pass passages (index/results/feedback.py); `related`: by
    the related terms of its words learned from the corpus (index/results/related.py)."""
    page, size = max(1, request.page), max(1, min(request.size, MAX_PAGE_SIZE))
    if query is None:
        return SearchResult(request.q, 0, page, size, [], {name: {} for name in FACET_FIELDS}, request.sort)
    live = library.index.live
    with visible_searcher(library) as (searcher, mask):
        keep = None  # a broad filter is applied to the matches as a bitset (index/engine/filtermask.py)
        if filter_query is not None:
            keep = live.filters.mask(searcher, filter_query.normalize(), live.lengths)
            if not is_broad(keep):
                keep = None

        def matches(query: q.Query) -> tuple[np.ndarray, np.ndarray]:
            query = query.normalize() if keep is not None else filtered(query, filter_query)
            if mask is not None:  # documents not (or no longer) in the store: see index/store/visibility.py
                query = q.AndNot(query, mask)
            query = array_phrases(query, live.lengths)  # positions checked in bulk, not while building matchers
            # Sorted by date Whoosh scored with the matcher kept current (its ScoreFacet asks for it); keep them.
            docnums, scores = scored_matches(searcher, query, live.lengths, needs_current=request.sort == "date")
            if keep is not None:
                kept = keep[docnums]
                docnums, scores = docnums[kept], scores[kept]
            return docnums, scores

        docnums, scores = matches(query)
        if (feedback or related) and request.sort == "relevance" and len(docnums):
            expansion = _expansion(library, searcher, docnums, scores, highlights, feedback, related)
            if expansion is not None:  # scored alone and added: the user's query is not evaluated twice
                docnums, scores = expanded(docnums, scores, *matches(expansion))
        columns = live.columns()
        facets, total = count_facets(columns, docnums, request.collapse)
        order = ranked(columns, docnums, scores, request.sort, collapse=False)
        if request.collapse:
            # Grouping is by closeness of score: by date, or with filters alone (every score equal), one each.
            by_score = request.sort == "relevance" and not isinstance(query, q.Every)
            entries = grouped(columns, docnums, scores, order, request.per_doc if by_score else 1)
        else:
            entries = Grouped(order, np.full(len(order), -1), np.zeros(len(order), dtype=np.int64))
        start, stop = (page - 1) * size, page * size
        window = []  # (passage_id, group_id, score, passage_id shown under or None, more in its document)
        for position, leader, more in zip(entries.positions[start:stop], entries.leaders[start:stop],
                                          entries.more[start:stop], strict=True):
            stored = searcher.stored_fields(int(docnums[position]))
            under = searcher.stored_fields(int(docnums[leader]))["passage_id"] if leader >= 0 else None
            window.append((stored["passage_id"], stored.get(GROUP_FIELD) or stored["doc_id"],
                           float(scores[position]), under, int(more)))
    rows = library.store.passages(pid for pid, *_ in window)
    hits = []
    for pid, group_id, score, leader, more in window:
        if pid in rows:
            hit = _hit(rows[pid], score, highlights)
            hit.context = neighbours(library.store, hit.doc_id, hit.ordinal)
            hit.grouped_under, hit.more_in_document = leader, more
            if request.collapse and leader is None:
                hit.other_sources = group_members(library.store, group_id, hit.doc_id)
            hits.append(hit)
    return SearchResult(request.q, total, page, size, hits, facets, request.sort,
                        entries=len(entries.positions))


def summed(docnums: np.ndarray, scores: np.ndarray, more_docnums: np.ndarray, more_scores: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """The matches of either query, each scored with the sum of its two scores (what an Or of them gives)."""
    union, where = np.unique(np.concatenate([docnums, more_docnums]), return_inverse=True)
    return union, np.bincount(where, weights=np.concatenate([scores, more_scores]), minlength=len(union))


def expanded(docnums: np.ndarray, scores: np.ndarray, more_docnums: np.ndarray, more_scores: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """The first pass with the expansion's scores added; passages only the expansion found rank below every
    passage holding the user's own words (their scores scaled under the first pass's lowest, order kept)."""
    only = ~np.isin(more_docnums, docnums)
    if only.any() and len(scores):
        floor, top = float(scores.min()), float(more_scores[only].max())
        if top >= floor:
            more_scores = more_scores.copy()
            more_scores[only] *= BELOW_FIRST_PASS * floor / top
    return summed(docnums, scores, more_docnums, more_scores)


def _expansion(library: Library, searcher, docnums: np.ndarray, scores: np.ndarray, highlights: list[str],
               feedback: bool, related: bool) -> q.Query | None:
    """The feedback words of the best first-pass passages and the related terms of the query's words as one
    query (a word both give counts at the higher weight), or None when they give none."""
    typed = set(highlights)
    words: dict[str, float] = {}
    if related:
        for expansion in related_expansion(library.store, highlights, typed):
            words[expansion.word] = expansion.weight
    if feedback:
        best = np.argsort(-scores, kind="stable")[:FEEDBACK_PASSAGES]
        pids = [searcher.stored_fields(int(docnums[p]))["passage_id"] for p in best]
        rows = library.store.passages(pids)
        passages = [(rows[pid]["text"], float(scores[p])) for pid, p in zip(pids, best, strict=True) if pid in rows]
        for expansion in expansion_words(passages, typed, lambda word: searcher.doc_frequency("body", word),
                                         searcher.doc_count()):
            words[expansion.word] = max(expansion.weight, words.get(expansion.word, 0.0))
    return weighted_words(list(words.items())) if words else None


def filtered(query: q.Query, filter_query: q.Query | None) -> q.Query:
    """The query restricted by the filters, scored by the query alone. (Whoosh's own `filter=` argument
    bypasses result collapsing, so the filter goes into the query instead.)"""
    return (q.Require(query, filter_query) if filter_query is not None else query).normalize()


def _hit(row: dict, score: float, highlights: list[str]) -> Hit:
    return Hit(
        doc_id=row["doc_id"], title=row["title"], source=row["source"], doc_type=row["doc_type"],
        date=row["date"], places=row["places"], passage_id=row["passage_id"], clause=row["clause"],
        heading=row["heading"], text=row["text"], snippet=snippet(row["text"], highlights),
        score=round(float(score), 4), on_topic=row["on_topic"], ordinal=row["ordinal"],
        kind=row.get("kind") or "text", topic=row.get("topic") or "red-property",
    )
