"""Upper bounds on one word's scores per window of docnums, for skipping (index/engine/topk.py).

A window whose bound is below the k-th best score found so far cannot hold a top-k match, so topk never reads its
postings. A word's pooled BM25F (index/engine/bm25f.py) is bounded per window by its exact per-window maxima,
computed once per segment and kept: tight enough that few windows are read. Only such queries are bounded
(`exactly_bounded`); a node this module does not know is unbounded (inf): its windows are always read.

Scores are positive, so a bound of 0 means "no match in this window".
"""
from __future__ import annotations

import numpy as np
from whoosh import query as q
from whoosh.matching import binary, wrappers
from whoosh.matching.mcore import ListMatcher, NullMatcherClass

from index.engine.blockcache import FileCache
from index.engine.bm25f import FieldedTerm, PooledMatcher, pooled_frequencies, saturated
from index.engine.deferred import AND_NOT, DeferredAndNot, DeferredMatcher
from index.engine.documents import holders
from index.engine.vectorized import FieldLengths, evaluate

WINDOW = 1024  # docnums per window: the unit of skipping (about 8 posting blocks of a term in every passage)
SLACK = 1 + 1e-9  # bounds are computed in another order than the scores: never let rounding undercut a score
# A word's per-window maxima (window_maxima): 8 bytes a window, 6 kB a word on the 794k-passage 100k bench index.
IMPACTS = FileCache(16 * 2**20)


def exactly_bounded(query) -> bool:
    """Whether skipping can pay for this query: one word (a FieldedTerm), under the visibility mask at most. Its
    windows' bounds are its exact per-window maxima (`window_maxima`), so few windows reach the k-th score. A query
    of several parts (a compound's component phrases, coordinated words) is bounded by the sum of its parts'
    maxima, which lie in different passages, and nearly every window is read twice; a word under a place filter is
    cheaper in full, the filter read first (index/engine/deferred.py). Measured in docs/query-performance.md."""
    kind = type(query)
    if kind is FieldedTerm:
        return True
    if kind in (DeferredAndNot, q.AndNot):  # the visibility mask (index/store/visibility.py)
        return exactly_bounded(query.a)
    return False


def window_count(doc_count: int) -> int:
    return max(1, -(-doc_count // WINDOW))


def window_bounds(matcher, reader, lengths: FieldLengths) -> np.ndarray:
    """The highest score `matcher` can give a document in each window of the segment (inf: unknown).
    The matcher is consumed."""
    windows = window_count(reader.doc_count_all())
    return _bounds(matcher, reader, lengths, windows) * SLACK


def _bounds(matcher, reader, lengths: FieldLengths, windows: int) -> np.ndarray:
    kind = type(matcher)
    if isinstance(matcher, NullMatcherClass):
        return np.zeros(windows)
    if kind is PooledMatcher and not matcher.materialised:
        return _pooled_bounds(matcher, reader, lengths, windows)
    if kind is PooledMatcher or kind is ListMatcher:  # already a list: scored outright
        return _exact(matcher, reader, lengths, windows)
    if (kind is DeferredMatcher and matcher.kind == AND_NOT and not matcher.materialised) \
            or kind is binary.AndNotMatcher:  # the visibility mask: the positive side's bound
        return _bounds(matcher.a, reader, lengths, windows)
    if kind is wrappers.WrappingMatcher:
        return _bounds(matcher.child, reader, lengths, windows) * matcher.boost
    return np.full(windows, np.inf)


def _exact(matcher, reader, lengths: FieldLengths, windows: int) -> np.ndarray:
    ids, scores = evaluate(matcher, reader, lengths)
    bounds = np.zeros(windows)
    np.maximum.at(bounds, ids // WINDOW, scores)
    return bounds


def _pooled_bounds(matcher: PooledMatcher, reader, lengths: FieldLengths, windows: int) -> np.ndarray:
    """A FieldedTerm's pooled BM25F (index/engine/bm25f.py) per window: for each of its forms, the highest pooled
    frequency any passage of the window has (`window_maxima`); weighted and summed over the forms, saturated as
    the score is (monotonically)."""
    term, searcher = matcher._term, matcher._searcher
    pooled = np.zeros(windows)
    for text, text_weight in term.terms_weights:
        pooled += text_weight * window_maxima(searcher, term.fieldnames, text, lengths, windows)
    return matcher._scale * saturated(pooled)


def window_maxima(searcher, fieldnames: tuple[str, ...], text: str, lengths: FieldLengths, windows: int
                  ) -> np.ndarray:
    """Per window of the segment, the highest pooled frequency (`pooled_frequencies`) of `text` over `fieldnames`:
    exact, so the bound is as tight as a word's can be. Computing it scores the word's passages once; it is kept
    (IMPACTS) with the segment's reader and the fields' average lengths, which change only with the index, so later
    queries over the word bound it without reading a posting (the words of a domain's questions repeat: 物业,
    小区, 业主). Block headers bound it unread, but a block's highest weight and shortest length come from different
    passages, and each field's maximum from another passage again: near BM25's saturation such a bound lies above
    the k-th best score in nearly every window, and nothing is skipped."""
    reader, parent = searcher.reader(), searcher.get_parent()

    def compute():
        ids, values = pooled_frequencies(searcher, fieldnames, text, lengths)
        maxima = np.zeros(windows)
        np.maximum.at(maxima, ids // WINDOW, values)
        maxima.flags.writeable = False
        return maxima, maxima.nbytes

    averages = tuple(parent.field_length(name) / max(holders(parent, name), 1) for name in fieldnames
                     if name in searcher.schema)
    return IMPACTS.get(reader, (fieldnames, text, averages, WINDOW), compute)
