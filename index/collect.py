"""Every match of a query with its score, in one pass over the matchers, as numpy arrays.

Whoosh's own path walked the matches twice (query.docs() for the facets, then an unlimited collapsing search
whose per-document heap bookkeeping cost as much as the scoring). The facets, the total and the collapsing all
need every match anyway, so we step each segment's matcher once and do the rest with arrays.
"""
from __future__ import annotations

from array import array

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

REPLACE_EVERY = 10  # as Whoosh's ScoredCollector: let the matcher tree drop exhausted branches now and then


def scored_matches(searcher: Searcher, query: q.Query, needs_current: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, scores) of every match. `needs_current` as Whoosh sets it: False for a plain scored search
    (ConstantScoreQuery then really gives a constant), True when the sort includes the score facet."""
    context = searcher.context(needs_current=needs_current)
    final = searcher.weighting.final if searcher.weighting.use_final else None
    docnums, scores = array("q"), array("d")
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = query.matcher(subsearcher, context)
        add_id, add_score = docnums.append, scores.append
        countdown = 0
        while matcher.is_active():
            if countdown == 0:
                matcher = matcher.replace(0)
                if not matcher.is_active():
                    break
                countdown = REPLACE_EVERY
            countdown -= 1
            docnum = offset + matcher.id()
            score = matcher.score()
            add_id(docnum)
            add_score(final(searcher, docnum, score) if final else score)
            matcher.next()
    return np.frombuffer(docnums, dtype=np.int64), np.frombuffer(scores, dtype=np.float64)
