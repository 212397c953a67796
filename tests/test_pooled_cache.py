"""A segment's pooled frequencies kept per word (index/engine/bm25f.py POOLED): what the cache gives is what
computing gives, narrowed to `within` when asked, and the live searcher's next generation (new average field
lengths, the same reader for an unchanged segment) is not served the old figures."""
from __future__ import annotations

import numpy as np
from search_fixtures import NARROWING_DOCUMENTS, build_library, document

from index.engine import bm25f
from index.engine.blockcache import FileCache

FIELDS = ("title", "heading", "body")


def first_segment(live):
    with live.holding():
        return live.current().leaf_searchers()[0][0]


def test_kept_pooled_frequencies_equal_computed_ones_and_follow_the_generation(library, monkeypatch):
    monkeypatch.setattr(bm25f, "POOLED", FileCache(2**20))
    build_library(library, NARROWING_DOCUMENTS)
    live = library.index.live
    sub = first_segment(live)
    first = bm25f.pooled_frequencies(sub, FIELDS, "物业")
    again = bm25f.pooled_frequencies(sub, FIELDS, "物业")
    assert np.shares_memory(again[0], first[0])  # kept
    fresh = bm25f._pooled_frequencies(sub, FIELDS, "物业", None, None)
    assert first[0].tolist() == fresh[0].tolist() and first[1].tolist() == fresh[1].tolist()
    assert len(first[0]) > 2
    within = first[0][::2].copy()
    narrowed = bm25f.pooled_frequencies(sub, FIELDS, "物业", within=within)
    assert narrowed[0].tolist() == within.tolist() and narrowed[1].tolist() == first[1][::2].tolist()
    # A second segment changes the index's average lengths, so the first segment's figures change too.
    build_library(library, [document("long", "物业长文", ["物业" + "很长的段落内容" * 40])])
    refreshed = first_segment(live)
    assert refreshed.reader() is sub.reader()  # the unchanged segment's reader is reused
    now = bm25f.pooled_frequencies(refreshed, FIELDS, "物业")
    fresh = bm25f._pooled_frequencies(refreshed, FIELDS, "物业", None, None)
    assert now[1].tolist() == fresh[1].tolist() and now[1].tolist() != first[1].tolist()
