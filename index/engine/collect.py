"""Every match of a query with its score, as numpy arrays, in one pass per segment.

Whoosh's own path walked the matches twice (query.docs() for the facets, then an unlimited collapsing search
whose per-document heap bookkeeping cost as much as the scoring). The facets, the total and the collapsing all
need every match anyway, so each segment's matcher tree is evaluated once, vectorised where it can be
(index/engine/vectorized.py), and the rest is done with arrays.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

from index.engine.documents import passage_docnums
from index.engine.vectorized import FieldLengths, evaluate


def scored_matches(searcher: Searcher, query: q.Query, lengths: FieldLengths,
                   needs_current: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, scores) of every match. `needs_current` as Whoosh sets it: False for a plain scored search
    (ConstantScoreQuery then really gives a constant), True when the sort includes the score facet."""
    if searcher.weighting.use_final:
        raise ValueError("a weighting with a final() step is not supported")
    context = searcher.context(needs_current=needs_current)
    docnums, scores = [], []
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if not reader.doc_count_all():
            continue
        ids, values = passage_docnums(reader, *evaluate(query.matcher(subsearcher, context), reader, lengths))
        docnums.append(ids + offset)
        scores.append(values)
    if not docnums:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(docnums), np.concatenate(scores)
