"""And, Require, AndNot and AndMaybe whose matchers do no work until asked, so the vectorised evaluation decides
what each side reads.

Whoosh's matchers for these step on construction to their first common document (IntersectionMatcher's
`_find_first`, AndNotMatcher's, AndMaybeMatcher's `_first_b`): asking a pooled word (index/engine/bm25f.py) or a
phrase for its first id scores its whole list. So a place filter (`物业 place:宜君县`, a Require) scored every
passage holding 物业 before its handful of passages were looked at, and the bounded path (index/engine/topk.py),
which builds a query's matchers once per pass, scored the whole list on every pass. Here the matcher only keeps
its two sides; index/engine/vectorized.py evaluates the narrower side first and reads the other only within it.
A caller that steps the matcher the Whoosh way gets a list matcher over the same evaluation (lazylist.py), so the
matches and scores are those of Whoosh's classes.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as q
from whoosh.matching import binary, wrappers

from index.engine.lazylist import LazyListMatcher

AND, REQUIRE, AND_NOT, AND_MAYBE = "and", "require", "and_not", "and_maybe"
# Whoosh's own matchers of each kind (a tree built without index/engine/plan.py, e.g. by a test) combine alike.
WHOOSH_KINDS = {binary.IntersectionMatcher: AND, wrappers.RequireMatcher: REQUIRE, binary.AndNotMatcher: AND_NOT,
                binary.AndMaybeMatcher: AND_MAYBE}


class DeferredMatcher(LazyListMatcher):
    """`a` combined with `b` as Whoosh's matcher of that `kind` combines them (AND sums both scores, REQUIRE and
    AND_NOT keep a's, AND_MAYBE adds b's where both match), evaluated as arrays the first time it is needed."""

    def __init__(self, kind: str, a, b, reader, lengths):
        super().__init__()
        self.kind, self.a, self.b, self._reader, self._lengths = kind, a, b, reader, lengths

    def _compute(self) -> tuple[np.ndarray, np.ndarray]:
        from index.engine.vectorized import FieldLengths, evaluate  # vectorized imports this module's class

        return evaluate(self, self._reader, self._lengths or FieldLengths())


class DeferredAnd(q.And):
    def __init__(self, subqueries, boost=1.0, lengths=None, **kwargs):
        super().__init__(subqueries, boost=boost, **kwargs)
        self.lengths = lengths

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()

        def intersection(a, b):
            return DeferredMatcher(AND, a, b, reader, self.lengths)

        return self._tree_matcher(subs, intersection, searcher, context, lambda sub: 0 - sub.estimate_size(reader))


class _DeferredBinary:
    """A binary query (Require, AndNot, AndMaybe) whose matcher is a DeferredMatcher of its `kind`; the b side is
    matched in a boolean context where Whoosh's own query does so (a filter, an exclusion)."""

    kind: str
    boolean_b: bool

    def __init__(self, a, b, lengths=None):
        super().__init__(a, b)
        self.lengths = lengths

    def matcher(self, searcher, context=None):
        a = self.a.matcher(searcher, context)
        b = self.b.matcher(searcher, searcher.boolean_context() if self.boolean_b else context)
        return DeferredMatcher(self.kind, a, b, searcher.reader(), self.lengths)


class DeferredRequire(_DeferredBinary, q.Require):
    kind, boolean_b = REQUIRE, True


class DeferredAndNot(_DeferredBinary, q.AndNot):
    kind, boolean_b = AND_NOT, True


class DeferredAndMaybe(_DeferredBinary, q.AndMaybe):
    kind, boolean_b = AND_MAYBE, False


_BINARY = {q.Require: DeferredRequire, q.AndNot: DeferredAndNot, q.AndMaybe: DeferredAndMaybe}


def deferred(query: q.Query, lengths) -> q.Query:
    """The query with every And, Require, AndNot and AndMaybe (of any depth) deferred; nothing else changes."""
    if query.is_leaf():
        return query
    query = query.apply(lambda child: deferred(child, lengths))
    kind = type(query)
    if kind is q.And:
        return DeferredAnd(query.subqueries, boost=query.boost, lengths=lengths)
    if kind in _BINARY:
        return _BINARY[kind](query.a, query.b, lengths=lengths)
    return query
