"""A query tree shaped for the vectorised evaluation (index/engine/vectorized.py), just before it is matched.

- Every Phrase becomes an ArrayPhrase (index/engine/phrases.py): positions checked in bulk.
- Every And, Require, AndNot and AndMaybe is deferred (index/engine/deferred.py): its matcher does not step to a
  first match when built, so neither side is scored before the evaluation asks for it.
- Every Or builds Whoosh's binary tree of union matchers, which is evaluated as arrays. Left to choose, Whoosh
  preloads an Or of three or more parts in a segment of up to 5,000 passages into an ArrayUnionMatcher, scoring
  every posting in Python while the matcher is built: most of a query's time on an index of small segments
  (a fresh ingest before compaction, the lower merge tiers), and work no skipping can avoid.
"""
from __future__ import annotations

from whoosh import query as q

from index.engine.deferred import deferred
from index.engine.phrases import array_phrases


def for_arrays(query: q.Query, lengths) -> q.Query:
    """`query` (normalised) ready for index/engine/collect.py and index/engine/topk.py."""
    return deferred(binary_unions(array_phrases(query, lengths)), lengths)


def binary_unions(query: q.Query) -> q.Query:
    """The query with every Or (of any depth) matched as a binary tree of unions; scores are unchanged."""
    if query.is_leaf():
        return query
    query = query.apply(binary_unions)
    if isinstance(query, q.Or):
        query.matcher_type = q.Or.DEFAULT_MATCHER
    return query
