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
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import binary, wrappers
from whoosh.matching.mcore import ListMatcher, NullMatcherClass
from whoosh.query.spans import SpanNear2
from whoosh.scoring import BM25FScorer

from index.engine.bm25f import PooledMatcher
from index.engine.coordination import CoordinationMatcher
from index.engine.phrases import PhraseMatcher
from index.engine.vectorized import FieldLengths, _readable_leaf, _scorer, evaluate, unwrapped

WINDOW = 1024  # docnums per window: the unit of skipping (about 8 posting blocks of a term in every passage)
EXACT_SEGMENT = 5_000  # a node we cannot bound is evaluated outright in a segment this small (what Whoosh preloads)
SLACK = 1 + 1e-9  # bounds are computed in another order than the scores: never let rounding undercut a score


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
    if _readable_leaf(matcher) or kind is ListMatcher or kind is PooledMatcher or (kind is PhraseMatcher and matcher.materialised):
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
    if kind is binary.IntersectionMatcher:
        a, b = _bounds(matcher.a, reader, lengths, windows), _bounds(matcher.b, reader, lengths, windows)
        return np.where((a > 0) & (b > 0), a + b, 0.0)
    if kind is binary.AndMaybeMatcher:
        a, b = _bounds(matcher.a, reader, lengths, windows), _bounds(matcher.b, reader, lengths, windows)
        return np.where(a > 0, a + b, 0.0)
    if kind is wrappers.RequireMatcher:
        a, b = _bounds(matcher.a, reader, lengths, windows), _bounds(matcher.b, reader, lengths, windows)
        return np.where(b > 0, a, 0.0)
    if kind is binary.AndNotMatcher:
        return _bounds(matcher.a, reader, lengths, windows)
    if kind is wrappers.InverseMatcher:  # a NOT: any document, at the matcher's constant weight
        return np.full(windows, float(matcher._weight))
    if reader.doc_count_all() <= EXACT_SEGMENT:  # e.g. Whoosh's preloaded union of a small segment's terms
        return _exact(matcher, reader, lengths, windows)
    return np.full(windows, np.inf)


def _exact(matcher, reader, lengths: FieldLengths, windows: int) -> np.ndarray:
    ids, scores = evaluate(matcher, reader, lengths)
    bounds = np.zeros(windows)
    np.maximum.at(bounds, ids // WINDOW, scores)
    return bounds


def _block_bounds(matcher: W3LeafMatcher, windows: int) -> np.ndarray:
    """Each block's bound spread over the windows it overlaps: (previous block's last id, its last id]."""
    scorer = _scorer(matcher)
    lows, highs, weights, shortest = [], [], [], []
    low = 0  # the first block's first id is not in a header: start from the segment's
    while matcher.is_active():
        lows.append(low)
        highs.append(matcher._maxid)
        weights.append(matcher._maxweight)
        shortest.append(matcher._minlength)
        low = matcher._maxid + 1
        matcher._next_block()
    bounds = np.zeros(windows)
    if not lows:
        return bounds
    tf = np.asarray(weights, dtype=np.float64)
    if type(scorer) is BM25FScorer:
        fl = np.asarray(shortest, dtype=np.float64)
        idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        tf = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    first, last = np.asarray(lows) // WINDOW, np.minimum(np.asarray(highs) // WINDOW, windows - 1)
    spans = last - first + 1
    # every (block, window it overlaps) pair, without a Python loop over windows
    covered = np.repeat(first - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
    np.maximum.at(bounds, covered, np.repeat(tf, spans))
    return bounds
