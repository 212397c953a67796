"""Upper bounds on a matcher tree's scores per window of docnums, read from posting block headers (block-max).

Each W3 posting block's header names its highest docnum, its highest weight and its shortest field length, so
BM25F at that weight and length bounds every score in the block without decompressing it. A window of docnums
is bounded by the blocks that overlap it, and the tree's nodes combine their children's bounds as their scores
combine (a union adds, an intersection adds where both may match, AndNot keeps the positive side). A window
whose bound is below the k-th best score found so far cannot hold a top-k match, so index/engine/topk.py never
reads its postings. A node we cannot bound (a custom matcher) is unbounded: its windows are always read.

Scores are positive (BM25F, weights, constant place scores), so a bound of 0 means "no match in this window".
"""
from __future__ import annotations

import numpy as np
from whoosh import query as q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import binary, wrappers
from whoosh.matching.mcore import ListMatcher, NullMatcherClass
from whoosh.query.spans import SpanNear2
from whoosh.scoring import BM25FScorer

from index.engine.blockcache import FileCache
from index.engine.bm25f import FieldedTerm, PooledMatcher, pooled_frequencies, saturated
from index.engine.coordination import CoordinationMatcher
from index.engine.deferred import AND, AND_NOT, REQUIRE, WHOOSH_KINDS, DeferredAndNot, DeferredMatcher
from index.engine.documents import holders
from index.engine.phrases import PhraseMatcher
from index.engine.vectorized import FieldLengths, _readable_leaf, _scorer, evaluate, unwrapped

WINDOW = 1024  # docnums per window: the unit of skipping (about 8 posting blocks of a term in every passage)
EXACT_SEGMENT = 5_000  # a node we cannot bound is evaluated outright in a segment this small (what Whoosh preloads)
SLACK = 1 + 1e-9  # bounds are computed in another order than the scores: never let rounding undercut a score
# A term's block headers, read once per segment: walking them is a Python step per block (thousands for a common
# word at 100k documents), and every query over the word needs them again. 16 bytes a block.
HEADERS = FileCache(8 * 2**20)
# A pooled word's per-window maxima (window_maxima): 8 bytes a window, 5 kB a word on a 640k-passage index.
IMPACTS = FileCache(16 * 2**20)


def exactly_bounded(query) -> bool:
    """Whether skipping pays for this query: one word (a FieldedTerm), unfiltered. Its windows' bounds are its
    exact per-window maxima (`window_maxima`), so few windows reach the k-th score. On the 100k bench index
    (`python -m bench.profile_queries ... --bounded-from 0`, then `--bounded-from 1000000000`), single words took
    83/66/47 ms bounded against 197/108/64 ms evaluated in full (物业, 小区, 社区); a query of several parts (a
    compound's component phrases, coordinated words), bounded by the sum of its parts' maxima, which lie in
    different passages, made the bench set's CPU p50/p99 61/361 ms against 25/194 ms in full; and a word under a
    place filter is cheaper in full, the filter read first (index/engine/deferred.py). Broad filters are applied
    as bitsets, outside the query: topk.BOUNDED_KEEP_SHARE."""
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
    if kind is W3LeafMatcher and _readable_leaf(matcher):
        return _block_bounds(matcher, windows)
    if kind is PooledMatcher and not matcher.materialised:
        return _pooled_bounds(matcher, reader, lengths, windows)
    if (_readable_leaf(matcher) or kind is ListMatcher or kind is PooledMatcher
            or (kind in (PhraseMatcher, DeferredMatcher) and matcher.materialised)):
        return _exact(matcher, reader, lengths, windows)  # a handful of inline postings: scored outright
    if kind is PhraseMatcher or kind is SpanNear2.SpanNear2Matcher:  # every term, at most their sum
        terms = [_bounds(unwrapped(m)[0], reader, lengths, windows) for m in matcher.ms]
        return np.where(np.logical_and.reduce([t > 0 for t in terms]), np.sum(terms, axis=0), 0.0) * matcher.boost
    if kind is wrappers.WrappingMatcher or kind is wrappers.FilterMatcher:
        return _bounds(matcher.child, reader, lengths, windows) * matcher.boost
    if kind is CoordinationMatcher:  # the coordination factor is at most 1
        parts = [_bounds(part, reader, lengths, windows) for part in matcher._parts]
        return matcher._boost * np.sum(parts, axis=0) if parts else np.zeros(windows)
    if kind is binary.UnionMatcher:
        return _bounds(matcher.a, reader, lengths, windows) + _bounds(matcher.b, reader, lengths, windows)
    if kind is DeferredMatcher and not matcher.materialised:
        return _combined_bounds(matcher.kind, matcher, reader, lengths, windows)
    if kind in WHOOSH_KINDS:
        return _combined_bounds(WHOOSH_KINDS[kind], matcher, reader, lengths, windows)
    if kind is wrappers.InverseMatcher:  # a NOT: any document, at the matcher's constant weight
        return np.full(windows, float(matcher._weight))
    if reader.doc_count_all() <= EXACT_SEGMENT:  # e.g. Whoosh's preloaded union of a small segment's terms
        return _exact(matcher, reader, lengths, windows)
    return np.full(windows, np.inf)


def _combined_bounds(kind: str, matcher, reader, lengths: FieldLengths, windows: int) -> np.ndarray:
    """Two sides' bounds combined as their scores are: an intersection adds where both may match, Require keeps
    the scored side where the filter may match, AndNot keeps the positive side, AndMaybe adds where a may."""
    a = _bounds(matcher.a, reader, lengths, windows)
    if kind == AND_NOT:
        return a
    b = _bounds(matcher.b, reader, lengths, windows)
    if kind == AND:
        return np.where((a > 0) & (b > 0), a + b, 0.0)
    if kind == REQUIRE:
        return np.where(b > 0, a, 0.0)
    return np.where(a > 0, a + b, 0.0)


def _exact(matcher, reader, lengths: FieldLengths, windows: int) -> np.ndarray:
    ids, scores = evaluate(matcher, reader, lengths)
    bounds = np.zeros(windows)
    np.maximum.at(bounds, ids // WINDOW, scores)
    return bounds


def _block_bounds(matcher: W3LeafMatcher, windows: int) -> np.ndarray:
    """Each block's bound spread over the windows it overlaps."""
    scorer = _scorer(matcher)
    lows, highs, tf, shortest = block_headers(matcher)
    if type(scorer) is BM25FScorer:
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        tf = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * shortest / avgfl)))
    return _spread(lows, highs, tf, windows)


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


def block_headers(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(first id bound, last id, highest weight, shortest field length) of each posting block of the matcher's term,
    from the block headers (the first block's first id is not in a header: the segment's first is used). The
    matcher is consumed."""
    def walk():
        lows, highs, weights, shortest = [], [], [], []
        low = 0
        while matcher.is_active():
            lows.append(low)
            highs.append(matcher._maxid)
            weights.append(matcher._maxweight)
            shortest.append(matcher._minlength)
            low = matcher._maxid + 1
            matcher._next_block()
        arrays = (np.asarray(lows, dtype=np.int64), np.asarray(highs, dtype=np.int64),
                  np.asarray(weights, dtype=np.float64), np.asarray(shortest, dtype=np.float64))
        for array_ in arrays:
            array_.flags.writeable = False
        return arrays, 32 * len(lows)

    return HEADERS.get(matcher._postfile, matcher._startoffset, walk)


def _spread(lows: np.ndarray, highs: np.ndarray, values: np.ndarray, windows: int) -> np.ndarray:
    """Per window, the highest value of the blocks overlapping it: block i covers ids lows[i]..highs[i]."""
    bounds = np.zeros(windows)
    if not len(lows):
        return bounds
    first, last = lows // WINDOW, np.minimum(highs // WINDOW, windows - 1)
    spans = last - first + 1
    # every (block, window it overlaps) pair, without a Python loop over windows
    covered = np.repeat(first - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
    np.maximum.at(bounds, covered, np.repeat(values, spans))
    return bounds
