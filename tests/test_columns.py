"""Column arrays (index/engine/columns.py) against what Whoosh's stored fields and collectors say, and the long-lived
searcher (index/engine/live.py) following the index as it changes."""
from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from search_fixtures import NARROWING_DOCUMENTS, build_library, document
from whoosh import sorting

from index.engine.collect import scored_matches
from index.engine.documents import is_record
from index.engine.phrases import array_phrases
from index.query.filters import Filters
from index.results.facets import UNKNOWN_YEAR, count_facets
from index.results.ranking import ranked
from index.results.search import SearchRequest, search
from ingest.models import DocType

EXTRA = [  # a second commit (a second segment), with a repost whose canonical document is in the first one
    document("undated", "无日期的物业通知", ["物业通知:小区停水。", "物业维修完成。"], source="通知.txt",
             places=["山东省", "济南市"], doc_type=DocType.OTHER),
    document("huzhou-repost", "湖州推行小额维修金", ["湖州市推行小区小额维修金提取使用制度,物业维修更及时。"],
             source="转载2.txt", places=["浙江省", "湖州市"], date="2023-05-11", canonical_id="huzhou"),
]


def stored_facets(searcher, docnums, group_field: str):
    """The facet counting search used before the column arrays: stored fields per matching docnum."""
    representatives: dict[str, dict] = {}
    for docnum in sorted(docnums):
        fields = searcher.stored_fields(docnum)
        key = fields.get(group_field) or fields["doc_id"]
        if key not in representatives or fields["doc_id"] == key:
            representatives[key] = fields
    counts = {name: Counter() for name in ("places", "year", "doc_type", "source")}
    for fields in representatives.values():
        for place in filter(None, (fields.get("places") or "").split(",")):
            counts["places"][place] += 1
        counts["year"][fields.get("year") or UNKNOWN_YEAR] += 1
        counts["doc_type"][fields.get("doc_type")] += 1
        counts["source"][fields.get("source")] += 1
    return {name: dict(counter) for name, counter in counts.items()}, len(representatives)


@pytest.fixture
def two_segments(library):
    build_library(library, NARROWING_DOCUMENTS)
    build_library(library, EXTRA)
    return library


def test_facets_from_columns_equal_the_stored_field_counts(two_segments):
    live = two_segments.index.live
    with live.holding():
        searcher = live.current()
        assert len(searcher.leaf_searchers()) == 2
        columns = live.columns()
        # what a query can match: passages (a document's record is never a result)
        everything = [d for d in range(searcher.doc_count_all()) if not is_record(searcher.stored_fields(d))]
        rng = random.Random(8)
        subsets = [everything, everything[:1], everything[-3:]] + [rng.sample(everything, k) for k in (2, 4, 6, 9)]
        for docnums in subsets:
            for collapse, group_field in ((True, "group_id"), (False, "passage_id")):
                facets, total, omitted = count_facets(columns, np.array(docnums, dtype=np.int64), collapse, None)
                assert (facets, total) == stored_facets(searcher, docnums, group_field), (docnums, collapse)
                assert not any(omitted.values())
                # capped: the same values, most frequent first, up to the cap; the rest counted, not listed
                capped, capped_total, left_out = count_facets(columns, np.array(docnums, dtype=np.int64), collapse, 1)
                assert capped_total == total
                for name, values in facets.items():
                    assert capped[name] == dict(list(values.items())[:1]), name
                    assert left_out[name] == max(0, len(values) - 1), name


def test_a_group_counts_with_its_canonical_document_even_when_a_repost_matched_first(library):
    build_library(library, [EXTRA[1]])  # the repost gets the lower docnums
    build_library(library, [NARROWING_DOCUMENTS[0]])
    live = library.index.live
    with live.holding():
        searcher = live.current()
        docnums = np.array(sorted(searcher.document_numbers(group_id="huzhou")), dtype=np.int64)
        assert searcher.stored_fields(int(docnums[0]))["doc_id"] == "huzhou-repost"
        facets, total, _ = count_facets(live.columns(), docnums, True)
    assert total == 1
    assert facets["source"] == {"huzhou.txt": 1} and facets["year"] == {"2023": 1}


@pytest.mark.parametrize("text", ["维修", "物业", "威海 业委会", "小区"])
@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("collapse", [True, False])
def test_order_and_collapsing_match_whoosh_collectors(two_segments, text, sort, collapse):
    from index.query.syntax import parse_query

    query = parse_query(text).query.normalize()
    live = two_segments.index.live
    with live.holding():
        searcher = live.current()
        docnums, scores = scored_matches(searcher, query, live.lengths, needs_current=sort == "date")
        ours = [int(docnums[i]) for i in ranked(live.columns(), docnums, scores, sort, collapse)]
        sortedby = sorting.MultiFacet([sorting.FieldFacet("date", reverse=True), sorting.ScoreFacet()]) \
            if sort == "date" else None
        theirs = searcher.search(query, limit=None, sortedby=sortedby, optimize=False, collapse_limit=1,
                                 collapse=sorting.FieldFacet("group_id") if collapse else None)
        assert ours == [hit.docnum for hit in theirs]
        assert len(docnums) == len(list(query.docs(searcher)))


def test_the_live_searcher_sees_a_committed_ingest_and_a_deletion(library):
    build_library(library, NARROWING_DOCUMENTS)
    before = search(library, SearchRequest("停水"))
    assert before.total == 0
    searcher = library.index.live._searcher
    build_library(library, EXTRA)
    after = search(library, SearchRequest("停水"))
    assert [hit.doc_id for hit in after.hits] == ["undated"]
    assert after.facets["year"] == {UNKNOWN_YEAR: 1}
    assert library.index.live._searcher is not searcher  # refreshed, not reopened per query
    library.store.delete_document("undated")
    library.index.update([], ["undated"])
    assert search(library, SearchRequest("停水")).total == 0


def test_a_document_in_the_index_but_not_the_store_stays_hidden(library):
    """Step 1 of a batch committed to the index, the store transaction not yet: the reader must not see it."""
    build_library(library, NARROWING_DOCUMENTS)
    assert search(library, SearchRequest("物业")).total > 0
    library.store.set_meta("index_clean_generation", None)  # as mark_dirty() inside the batch's transaction
    library.index.update(EXTRA[:1])
    assert search(library, SearchRequest("停水")).total == 0


def test_the_live_searcher_follows_a_recreated_index(library):
    build_library(library, NARROWING_DOCUMENTS)
    assert search(library, SearchRequest("威海")).total == 1
    library.index.clear()
    for doc in NARROWING_DOCUMENTS:
        library.store.delete_document(doc.doc_id)
    build_library(library, EXTRA)
    assert search(library, SearchRequest("威海")).total == 0
    assert search(library, SearchRequest("停水")).total == 1


def test_columns_are_built_once_per_segment(two_segments):
    live = two_segments.index.live
    with live.holding():
        live.current()
        first = live.columns()
        assert live.columns() is first
        segments = dict(live._segments)
    build_library(two_segments, [document("third", "第三段", ["第三个段落的物业内容。"])])
    with live.holding():
        live.current()
        live.columns()
        reused = [key for key in segments if key in live._segments]
        assert all(live._segments[key] is segments[key] for key in reused) and reused


def test_the_live_searcher_moves_on_from_an_empty_index(library):
    library.index.update([])  # an index with no segments yet, as a first ingest leaves it before its commit
    assert search(library, SearchRequest("威海")).total == 0
    build_library(library, NARROWING_DOCUMENTS)
    assert search(library, SearchRequest("威海")).total == 1


@pytest.mark.parametrize("filters", [
    Filters(), Filters(on_topic_only=False), Filters(doc_types=["news"]), Filters(places=["湖州"]),
    Filters(years=["2020-2023"]), Filters(date_from="2022-07-28"),
])
def test_a_filter_bitset_keeps_exactly_what_the_filter_query_matches(two_segments, filters):
    live = two_segments.index.live
    filter_query = filters.to_query()
    with live.holding():
        searcher = live.current()
        expected = set(filter_query.docs(searcher)) if filter_query is not None else set(range(searcher.doc_count()))
        allowed = {searcher.stored_fields(docnum).get("passage_id") for docnum in expected}
        if filter_query is not None:
            keep = live.filters.mask(searcher, filter_query.normalize(), live.lengths)
            assert set(np.flatnonzero(keep).tolist()) == expected
    hits = search(two_segments, SearchRequest("维修", filters=filters, collapse=False, size=100)).hits
    assert hits and {hit.passage_id for hit in hits} <= allowed


def stepped(searcher, query, needs_current):
    """Every match and score the way Whoosh's collectors step a matcher."""
    found = []
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = query.matcher(subsearcher, searcher.context(needs_current=needs_current))
        while matcher.is_active():
            found.append((offset + matcher.id(), matcher.score()))
            matcher.next()
    return found


VECTOR_QUERIES = ["维修", "红色物业", "维修资金", "\"业主大会\"", "\"小额维修金\"", "威海 OR 湖州", "维修 -威海", "湖州 维修 小区 公开",
                  "业委会", "老旧小区没有物业怎么办", "维修 place:湖州", "维 修"]


@pytest.mark.parametrize("text", VECTOR_QUERIES)
@pytest.mark.parametrize("needs_current", [False, True])
@pytest.mark.parametrize("relaxed", [False, True])
@pytest.mark.parametrize("union", ["auto", "tree"])
@pytest.mark.parametrize("deletion", [False, True])
@pytest.mark.parametrize("phrases", ["whoosh", "array"])
def test_vectorised_matches_and_scores_equal_whoosh_stepping(two_segments, monkeypatch, text, needs_current, relaxed,
                                                             union, deletion, phrases):
    from whoosh import query as q

    from index.query.syntax import QueryOptions, parse_query
    from index.results.search import filtered

    if union == "tree":  # what Whoosh uses above 5000 passages; below it preloads small unions into arrays
        monkeypatch.setattr(q.Or, "matcher_type", q.Or.DEFAULT_MATCHER)
    if deletion:  # a segment with a deleted document: Whoosh wraps its terms in FilterMatchers
        two_segments.index.update([], ["weihai-repost"])
    parsed = parse_query(text, options=QueryOptions(relaxed=relaxed))
    query = filtered(parsed.query, parsed.filters.to_query())
    live = two_segments.index.live
    with live.holding():
        searcher = live.current()
        evaluated = array_phrases(query, live.lengths) if phrases == "array" else query
        docnums, scores = scored_matches(searcher, evaluated, live.lengths, needs_current=needs_current)
        assert list(zip(docnums.tolist(), scores.tolist())) == stepped(searcher, query, needs_current)


def test_filter_bitsets_are_bounded_in_bytes(two_segments):
    live = two_segments.index.live
    live.filters.capacity = 1  # smaller than any bitset: only the one in use stays
    with live.holding():
        searcher = live.current()
        for filters in (Filters(doc_types=["news"]), Filters(doc_types=["policy"]), Filters()):
            live.filters.mask(searcher, filters.to_query().normalize(), live.lengths)
        assert len(live.filters._masks) == 1
