"""Bounded query work (index/engine/topk.py, index/engine/bounds.py): windows skipped by their block-max bound,
yet the top results equal the exhaustive evaluation's, down to the grouping under each document's best passage.

Windows of 16 docnums and no exactness shortcut make the generated index (tests/generated_index.py) big enough
to skip on."""
from __future__ import annotations

import numpy as np
import pytest

from index.engine import bounds, topk
from index.engine.collect import scored_matches
from index.engine.plan import for_arrays
from index.engine.vectorized import FieldLengths
from index.query.filters import Filters
from index.query.syntax import parse_query
from index.results.search import SearchRequest, passages_threshold, search

TEXTS = ["物业", "物业 小区", '"红色物业" 业主', "党建 -维修", "老旧小区 加装电梯", "小区物业怎么维修资金公示", "志愿者"]


@pytest.fixture
def small_windows(monkeypatch):
    monkeypatch.setattr(bounds, "WINDOW", 16)
    monkeypatch.setattr(topk, "WINDOW", 16)
    monkeypatch.setattr(topk, "BOUNDED_FROM_PASSAGES", 0)
    monkeypatch.setattr(topk, "EXACT_BELOW_MATCHES", 0)


def prepared(text: str, lengths: FieldLengths):
    return for_arrays(parse_query(text).query.normalize(), lengths)


@pytest.mark.parametrize("text", TEXTS)
def test_no_match_scores_above_its_windows_bound(big_index, small_windows, text):
    lengths = FieldLengths()
    with big_index.searcher() as searcher:
        query = prepared(text, lengths)
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            bound = bounds.window_bounds(query.matcher(subsearcher, searcher.context()), reader, lengths)
            docnums, scores = scored_matches(subsearcher, query, lengths)
            highest = np.zeros(len(bound))
            np.maximum.at(highest, docnums // 16, scores)
            assert np.all(highest <= bound), text
            assert np.all((highest > 0) | (bound < np.inf))  # every window bounded: no node left unknown


def best(docnums: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    order = np.lexsort((docnums, -scores))[:k]
    return [(int(docnums[i]), float(scores[i])) for i in order]


@pytest.mark.parametrize("k", [1, 5, 20])
@pytest.mark.parametrize("text", TEXTS)
def test_the_top_k_under_skipping_is_the_exhaustive_top_k(big_index, small_windows, text, k):
    lengths = FieldLengths()
    with big_index.searcher() as searcher:
        query = prepared(text, lengths)
        docnums, scores = scored_matches(searcher, query, lengths)
        found = topk.top_matches(searcher, [query], lengths, passages_threshold(k))
        assert best(found.docnums, found.scores, k) == best(docnums, scores, k)
        if text == "物业" and k == 1:  # a word in most passages: the windows below the best one's score are not read
            assert not found.complete and len(found.docnums) < len(docnums)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("page", "collapse", "per_doc"), [(1, True, None), (2, True, 3), (1, False, None)])
def test_a_page_under_skipping_equals_the_exact_page(big_library, small_windows, text, page, collapse, per_doc):
    """Grouping included: the further passages under a document's best, the count of the rest."""
    def shown(result):
        return [(hit.passage_id, hit.score, hit.grouped_under, hit.more_in_document) for hit in result.hits]

    request = SearchRequest(text, page=page, size=5, collapse=collapse, per_doc=per_doc,
                            filters=Filters(on_topic_only=False))
    exact = search(big_library, SearchRequest(**(vars(request) | {"exact_total": True})))
    bounded = search(big_library, request)
    assert shown(bounded) == shown(exact)
    assert not exact.total_is_estimate and not exact.facets_are_estimates
    if bounded.total_is_estimate:
        assert bounded.facets_are_estimates
        assert exact.total / 2 <= bounded.total <= exact.total * 2


def test_a_common_word_gets_an_estimated_total_and_an_exact_one_on_request(big_library, small_windows):
    bounded = search(big_library, SearchRequest("物业"))
    exact = search(big_library, SearchRequest("物业", exact_total=True))
    assert bounded.total_is_estimate and not exact.total_is_estimate
    assert [hit.passage_id for hit in bounded.hits] == [hit.passage_id for hit in exact.hits]


def test_a_question_of_several_parts_is_counted_exactly_on_a_large_index(big_library, small_windows):
    """Its bound sums its parts' maxima, which lie in different passages: skipping did not pay (bounds.py)."""
    result = search(big_library, SearchRequest("红色物业 小区"))
    assert result.hits and not result.total_is_estimate and not result.facets_are_estimates


def test_a_small_index_is_counted_exactly(big_library):
    """Below BOUNDED_FROM_PASSAGES every match is evaluated: nothing is estimated."""
    result = search(big_library, SearchRequest("物业"))
    assert not result.total_is_estimate and not result.facets_are_estimates


def test_the_api_and_the_cli_mark_an_estimate_and_count_exactly_on_request(big_library, small_windows):
    from click.testing import CliRunner
    from fastapi.testclient import TestClient

    from search_api.app import create_app
    from search_api.cli import main
    from search_api.settings import Settings

    client = TestClient(create_app(Settings(home=big_library.home)))
    estimated = client.get("/api/search", params={"q": "物业"}).json()
    exact = client.get("/api/search", params={"q": "物业", "exact_total": "true"}).json()
    assert estimated["total_is_estimate"] and estimated["facets_are_estimates"]
    assert not exact["total_is_estimate"] and not exact["facets_are_estimates"]
    assert "约" in client.get("/", params={"q": "物业"}).text
    cli = CliRunner()
    assert "共 约 " in cli.invoke(main, ["search", "物业", "--home", str(big_library.home)]).output
    output = cli.invoke(main, ["search", "物业", "--home", str(big_library.home), "--exact-total"]).output
    assert f"共 {exact['total']:,} 篇文档" in output
