"""A segment's phrase matches, kept once evaluated (index/engine/vectorized.py `near`): a phrase asked again is
scored from its known matches without reading a position, to the same floats, and passages deleted since are
not among them."""
from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from index.engine import vectorized
from index.engine.collect import scored_matches
from index.engine.plan import for_arrays
from index.engine.vectorized import FieldLengths
from index.query.syntax import parse_query

PHRASES = ['"红色物业"', "红色物业", "老旧小区 加装电梯"]  # quoted, and compounds' component phrases


@pytest.mark.parametrize("text", PHRASES)
def test_a_phrase_asked_again_is_scored_from_its_known_matches(big_index, monkeypatch, text):
    monkeypatch.setattr(vectorized, "PHRASE_MATCHES", vectorized.FileCache(2**20))
    lengths = FieldLengths()
    query = for_arrays(parse_query(text).query.normalize(), lengths)
    with big_index.searcher() as searcher:
        first = scored_matches(searcher, query, lengths)
        assert vectorized.PHRASE_MATCHES._entries  # every segment's matches kept

        def no_positions(*args, **kwargs):
            raise AssertionError("positions read for a phrase whose matches are known")

        monkeypatch.setattr(vectorized, "decode_positions_many", no_positions)
        again = scored_matches(searcher, query, lengths)
    assert len(first[0]) > 0
    assert again[0].tolist() == first[0].tolist()
    assert again[1].tolist() == first[1].tolist()  # the same floats


def test_known_matches_leave_out_passages_deleted_since(big_index, monkeypatch):
    cache = vectorized.FileCache(2**20)
    monkeypatch.setattr(vectorized, "PHRASE_MATCHES", cache)
    lengths = FieldLengths()
    phrase = for_arrays(wq.Phrase("body", ["红色", "物业"], slop=6), lengths)
    with big_index.searcher() as searcher:
        context = searcher.context(needs_current=False)
        subsearcher = next(sub for sub, _ in searcher.leaf_searchers() if sub.reader().has_deletions())
        reader = subsearcher.reader()
        ids, scores = vectorized.evaluate(phrase.matcher(subsearcher, context), reader, lengths)
        (key, (file, kept, size)), = cache._entries.items()
        holding_both = np.intersect1d(*(vectorized.leaf_postings(reader.postings("body", word).child, False)[0]
                                        for word in ("红色", "物业")))
        gone = int(np.intersect1d(holding_both, sorted(reader.deleted_docs_set))[0])
        cache._entries[key] = (file, np.union1d(kept, [gone]), size)  # as if kept before `gone` was deleted
        again = vectorized.evaluate(phrase.matcher(subsearcher, context), reader, lengths)
    assert gone not in again[0].tolist()
    assert again[0].tolist() == ids.tolist() and again[1].tolist() == scores.tolist()
