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
from index.engine.plan import for_arrays
from index.engine.topk import Matches, matches_within, top_matches
from index.engine.vectorized import summed
from index.query.filters import Filters
from index.query.syntax import QueryOptions, parse_query, weighted_words
from index.results.context import group_members, neighbours
from index.results.counterparts import with_counterparts
from index.results.facets import FACET_FIELDS, FACET_VALUES, count_facets
from index.results.feedback import FEEDBACK_PASSAGES, expansion_words
from index.results.grouping import Grouped, group_bests, grouped, grouped_page, kth_highest
from index.results.more_like import LIKE_POOL, brought_in, like_these, second_query
from index.results.neighbours import with_neighbours
from index.results.openings import with_openings
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
    exact_total: bool = False  # count every match even when the index is large (a relevance page needs fewer)
    facet_values: int | None = FACET_VALUES  # values listed per facet, most frequent first; None: every value


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
    total_is_estimate: bool = False  # total and entries scaled from a sample of the index (约): exact_total for exact
    facets_are_estimates: bool = False  # facet counts scaled from the same sample
    facets_omitted: dict[str, int] = field(default_factory=dict)  # per facet, values past facet_values not listed

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
    # Feedback, related terms and neighbouring clauses for questions only: a keyword query says what it wants, and
    # every result should show its words, ranked by what it holds.
    feedback = options.prf and parsed.question and not parsed.excludes
    related = options.related and parsed.question and not parsed.excludes
    beside = options.neighbours and parsed.question
    openings = parsed.words if options.openings and parsed.question else None
    across = options.counterparts and parsed.question
    alike = options.more_like and parsed.question and not parsed.excludes
    return (run_query(library, request, query, parsed.filters.to_query(), parsed.highlights, feedback, related,
                      beside, openings, across, alike), repr(query))


def run_query(library: Library, request: SearchRequest, query: q.Query | None, filter_query: q.Query | None,
              highlights: list[str], feedback: bool = False, related: bool = False, beside: bool = False,
              openings: list[str] | None = None, across: bool = False, alike: bool = False) -> SearchResult:
    """Rank, page and dress a built query: shared by search() and "more like this". `feedback`: rank again with
    the query expanded by the words of its best first-pass passages (index/results/feedback.py); `related`: by
    the related terms of its words learned from the corpus (index/results/related.py); `beside`: a
    regulation's matching clauses beside its best ones raised (index/results/neighbours.py); `openings`: the
    question's words, clauses whose opening sentence names them raised (index/results/openings.py); `across`:
    clauses of other regulations like its best clauses raised (index/results/counterparts.py); `alike`: clauses of
    other regulations that a query of its best clauses' words finds brought in (index/results/more_like.py)."""
    page, size = max(1, request.page), max(1, min(request.size, MAX_PAGE_SIZE))
    if query is None:
        return SearchResult(request.q, 0, page, size, [], {name: {} for name in FACET_FIELDS}, request.sort,
                            facets_omitted={name: 0 for name in FACET_FIELDS})
    live = library.index.live
    with visible_searcher(library) as (searcher, mask):
        keep = None  # a broad filter is applied to the matches as a bitset (index/engine/filtermask.py)
        if filter_query is not None:
            keep = live.filters.mask(searcher, filter_query.normalize(), live.lengths)
            if not is_broad(keep):
                keep = None

        def prepared(built: q.Query) -> q.Query:
            built = built.normalize() if keep is not None else filtered(built, filter_query)
            if mask is not None:  # documents not (or no longer) in the store: see index/store/visibility.py
                built = q.AndNot(built, mask)
            return for_arrays(built, live.lengths)  # phrases and unions shaped for the array evaluation

        def every_match(queries: list[q.Query]) -> Matches:
            docnums, scores = np.zeros(0, dtype=np.int64), np.zeros(0)
            for part in queries:
                # Sorted by date Whoosh scored with the matcher kept current (its ScoreFacet asks for it); keep them.
                more = scored_matches(searcher, part, live.lengths, needs_current=request.sort == "date")
                docnums, scores = summed([(docnums, scores), more])
            if keep is not None:
                kept = keep[docnums]
                docnums, scores = docnums[kept], scores[kept]
            return Matches(docnums, scores)

        # Date order, filters alone and an expanded question (`expanded` scales by the lowest first-pass score)
        # rank every match; a relevance page needs only the matches that can reach it.
        expanding = (feedback or related) and request.sort == "relevance"
        exact = request.exact_total or request.sort != "relevance" or isinstance(query, q.Every) or expanding
        columns = live.columns()
        stop = page * size

        def best_matches(queries: list[q.Query], threshold) -> Matches:
            if exact:
                return every_match(queries)
            return top_matches(searcher, queries, live.lengths, threshold, keep)

        page_threshold = groups_threshold(columns, stop) if request.collapse else passages_threshold(stop)
        queries = [prepared(query)]
        found = best_matches(queries, page_threshold)
        if expanding and len(found.docnums):
            expansion = _expansion(library, searcher, found.docnums, found.scores, highlights, feedback, related)
            if expansion is not None:  # scored alone and added: the user's query is not evaluated twice
                more = every_match([prepared(expansion)])
                found = Matches(*expanded(found.docnums, found.scores, more.docnums, more.scores))
        if not found.complete and request.collapse:  # the page's documents with all their matching passages
            found = with_whole_groups(found, matches_within(
                searcher, queries, live.lengths, page_groups(columns, found, stop), keep))
        docnums, scores = found.docnums, found.scores
        by_score = request.sort == "relevance" and not isinstance(query, q.Every)
        if beside and by_score:
            scores = with_neighbours(columns, docnums, scores)
        if openings and by_score:
            scores = with_openings(searcher, library.store, columns, docnums, scores, openings)
        if across and by_score:
            scores = with_counterparts(searcher, library.store, columns, docnums, scores)
        if alike and by_score and len(docnums):
            like = like_these(searcher, library.store, columns, docnums, scores)
            if like is not None:
                more = best_matches([prepared(second_query(like))], passages_threshold(LIKE_POOL))
                docnums, scores = brought_in(columns, like, docnums, scores, more.docnums, more.scores)
                if not found.complete:  # estimates count the sampled windows' first-pass matches only
                    found = Matches(docnums, scores, np.isin(docnums, found.docnums[found.sample]),
                                    found.sample_share)
        entries, shown = _entries(columns, docnums, scores, request, by_score, stop)
        facets, total, omitted = count_facets(columns, docnums, request.collapse, request.facet_values)
        if not found.complete:  # counted in the sampled windows, scaled to the whole index
            sample = found.sample
            facets, total, shown, omitted = estimated(columns, docnums[sample], scores[sample], request, by_score,
                                             found.sample_share, total, shown)
        start = (page - 1) * size
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
    return SearchResult(request.q, total, page, size, hits, facets, request.sort, entries=shown,
                        total_is_estimate=not found.complete, facets_are_estimates=not found.complete,
                        facets_omitted=omitted)


def _entries(columns, docnums: np.ndarray, scores: np.ndarray, request: SearchRequest, by_score: bool,
             stop: int) -> tuple[Grouped, int]:
    """The first `stop` entries in display order, and how many entries there are in all."""
    if request.collapse and by_score:
        return grouped_page(columns, docnums, scores, request.per_doc, stop)
    order = ranked(columns, docnums, scores, request.sort, collapse=False)
    if request.collapse:  # grouping is by closeness of score: by date, or with filters alone, one each
        entries = grouped(columns, docnums, scores, order, 1)
    else:
        entries = Grouped(order, np.full(len(order), -1), np.zeros(len(order), dtype=np.int64))
    return entries.first(stop), len(entries.positions)


def estimated(columns, docnums: np.ndarray, scores: np.ndarray, request: SearchRequest, by_score: bool,
              share: float, found_total: int, found_entries: int
              ) -> tuple[dict[str, dict[str, int]], int, int, dict[str, int]]:
    """Facets, total and entries counted over the sampled windows' matches, scaled by the share of the index
    they hold; never below what was found. (The facets' omitted values are the sample's.)"""
    facets, total, omitted = count_facets(columns, docnums, request.collapse, request.facet_values)
    _, entries = _entries(columns, docnums, scores, request, by_score, 1)
    scaled = {name: {value: max(1, round(count / share)) for value, count in counts.items()}
              for name, counts in facets.items()}
    return scaled, max(found_total, round(total / share)), max(found_entries, round(entries / share)), omitted


def passages_threshold(k: int):
    """The score the k-th best passage reaches (-inf with fewer): no passage below it can be among the k best."""
    def threshold(docnums: np.ndarray, scores: np.ndarray) -> float:
        return kth_highest(scores, k)
    return threshold


def groups_threshold(columns, k: int):
    """The best score of the k-th best group (document with its reposts): the first k groups of a page all
    have a passage at least this good."""
    def threshold(docnums: np.ndarray, scores: np.ndarray) -> float:
        return kth_highest(group_bests(columns, columns.groups.codes[docnums], scores), k)
    return threshold


def page_groups(columns, found: Matches, k: int) -> np.ndarray:
    """Every docnum of the k best groups among the matches: their passages are all evaluated, so the passages
    grouped under a document's best and its count of further passages are exact."""
    groups = columns.groups.codes[found.docnums]
    best = group_bests(columns, groups, found.scores)
    # Only passages reaching the k-th best group's best can be a page group's best: order those alone.
    near = np.flatnonzero(found.scores >= kth_highest(best, k))
    order = ranked(columns, found.docnums[near], found.scores[near], "relevance", collapse=True)[:k]
    wanted = np.zeros(len(columns.groups.labels), dtype=bool)
    wanted[groups[near[order]]] = True
    return np.flatnonzero(wanted[columns.groups.codes])


def with_whole_groups(found: Matches, more: tuple[np.ndarray, np.ndarray]) -> Matches:
    docnums = np.concatenate([found.docnums, more[0]])
    unique, first = np.unique(docnums, return_index=True)
    scores = np.concatenate([found.scores, more[1]])[first]
    sample = np.concatenate([found.sample, np.zeros(len(more[0]), dtype=bool)])[first]
    return Matches(unique, scores, sample, found.sample_share)


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
    return summed([(docnums, scores), (more_docnums, more_scores)])


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
