"""Deferred And/Require/AndNot/AndMaybe (index/engine/deferred.py): building a matcher scores nothing, the
evaluation reads the scored side only where the narrower side matched, and a caller that steps the matcher the
Whoosh way sees the same matches and scores."""
from __future__ import annotations

from test_vectorized_scale import stepped
from whoosh import query as wq

from index.engine import bm25f
from index.engine.collect import scored_matches
from index.engine.plan import for_arrays
from index.engine.vectorized import FieldLengths
from index.query.filters import Filters
from index.query.syntax import parse_query


def filtered(text: str, filters: Filters, lengths: FieldLengths):
    parsed = parse_query(text, filters)
    return for_arrays(wq.Require(parsed.query, parsed.filters.to_query()).normalize(), lengths)


def test_a_place_filter_scores_the_common_word_only_in_its_passages(big_index, monkeypatch):
    asked = []
    real = bm25f.pooled_frequencies

    def recording(searcher, fieldnames, text, lengths=None, within=None):
        asked.append((text, within))
        return real(searcher, fieldnames, text, lengths, within)

    monkeypatch.setattr(bm25f, "pooled_frequencies", recording)
    lengths = FieldLengths()
    with big_index.searcher() as searcher:
        query = filtered("物业", Filters(places=["威海市"]), lengths)
        docnums, _ = scored_matches(searcher, query, lengths)
        passages = searcher.doc_count()
    assert 0 < len(docnums) < passages / 2
    common = [within for text, within in asked if text == "物业"]
    assert common and all(within is not None for within in common)  # never every passage holding the word
    assert sum(len(within) for within in common) < passages / 2


def test_stepping_a_deferred_tree_gives_what_its_evaluation_gives(big_index):
    lengths = FieldLengths()
    with big_index.searcher() as searcher:
        for text, filters in [("物业", Filters(places=["威海市"])), ("业主 -维修", Filters(doc_types=["news"]))]:
            query = filtered(text, filters, lengths)
            docnums, scores = scored_matches(searcher, query, lengths)
            assert (docnums.tolist(), scores.tolist()) == stepped(searcher, query)
