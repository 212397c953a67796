"""Evaluate a Whoosh matcher tree with numpy: every match and its score, without stepping doc by doc.

Stepping a matcher tree costs Python calls per match per node (next, id, score, skip_to); with every match
needed for the facets, that bounded search time. Here the tree Whoosh built for a segment is evaluated node
by node on whole arrays instead: a term's postings are read block by block and scored with BM25F in one
vectorised expression, and unions, intersections, AndMaybe, Require and AndNot combine sorted id arrays.
The tree is Whoosh's own (same shape, same operand order), so every score is the same float Whoosh computes.
Nodes we do not know (phrases and spans, which need positions; custom matchers) are stepped as before, and
their arrays combined with the rest.
"""
from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import binary, wrappers
from whoosh.matching.mcore import NullMatcherClass
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_SCORES = np.zeros(0, dtype=np.float64)
BYTE_LENGTHS = np.array([byte_to_length(b) if b else np.nan for b in range(256)], dtype=np.float64)


class FieldLengths:
    """Per-segment arrays docnum → the field length BM25F uses (Whoosh's byte-quantised length)."""

    def __init__(self):
        self._arrays: dict[tuple[str, str], np.ndarray] = {}

    def get(self, reader, fieldname: str) -> np.ndarray:
        key = (reader.segment().segment_id(), fieldname)
        lengths = self._arrays.get(key)
        if lengths is None:
            size = reader.doc_count_all()
            column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is None:
                lengths = np.full(size, np.nan)
            else:
                lengths = BYTE_LENGTHS[np.fromiter(iter(column), dtype=np.uint8, count=size)]
            self._arrays[key] = lengths
        return lengths

    def keep(self, segment_ids: set[str]) -> None:
        self._arrays = {key: value for key, value in self._arrays.items() if key[0] in segment_ids}


def evaluate(matcher, reader, lengths: FieldLengths) -> tuple[np.ndarray, np.ndarray]:
    """(ids, scores) of every document `matcher` would still yield, ids ascending (segment docnums)."""
    kind = type(matcher)
    if kind is W3LeafMatcher and type(matcher.scorer) is BM25FScorer:
        return _postings(matcher, reader, lengths)
    if isinstance(matcher, NullMatcherClass) or not matcher.is_active():
        return EMPTY_IDS, EMPTY_SCORES
    if kind is wrappers.WrappingMatcher:
        ids, scores = evaluate(matcher.child, reader, lengths)
        return ids, scores * matcher.boost
    if kind is wrappers.FilterMatcher:  # a segment's deleted documents, excluded
        ids, scores = evaluate(matcher.child, reader, lengths)
        listed = np.isin(ids, np.fromiter(matcher._ids, dtype=np.int64))
        keep = ~listed if matcher._exclude else listed
        return ids[keep], scores[keep] * matcher.boost
    if kind is binary.UnionMatcher:
        return _union(evaluate(matcher.a, reader, lengths), evaluate(matcher.b, reader, lengths))
    if kind is binary.IntersectionMatcher:
        (a_ids, a_scores), (b_ids, b_scores) = evaluate(matcher.a, reader, lengths), evaluate(matcher.b, reader, lengths)
        _, ia, ib = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
        return a_ids[ia], a_scores[ia] + b_scores[ib]
    if kind is binary.AndMaybeMatcher:
        (a_ids, a_scores), (b_ids, b_scores) = evaluate(matcher.a, reader, lengths), evaluate(matcher.b, reader, lengths)
        _, ia, ib = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
        scores = a_scores.copy()
        scores[ia] = a_scores[ia] + b_scores[ib]
        return a_ids, scores
    if kind is wrappers.RequireMatcher:
        (a_ids, a_scores), (b_ids, _) = evaluate(matcher.a, reader, lengths), evaluate(matcher.b, reader, lengths)
        keep = np.isin(a_ids, b_ids, assume_unique=True)
        return a_ids[keep], a_scores[keep]
    if kind is binary.AndNotMatcher:
        (a_ids, a_scores), (b_ids, _) = evaluate(matcher.a, reader, lengths), evaluate(matcher.b, reader, lengths)
        keep = ~np.isin(a_ids, b_ids, assume_unique=True)
        return a_ids[keep], a_scores[keep]
    return _stepped(matcher)


def _stepped(matcher) -> tuple[np.ndarray, np.ndarray]:
    """A node we cannot vectorise (positions, custom scoring): step it as Whoosh's collector would."""
    ids, scores = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)


def _postings(matcher: W3LeafMatcher, reader, lengths: FieldLengths) -> tuple[np.ndarray, np.ndarray]:
    """A term's remaining postings, block by block, scored as BM25FScorer._score(weight, length) does."""
    id_blocks, weight_blocks = [], []
    start = matcher._i  # an enclosing intersection may have advanced it: what it skipped cannot match
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        id_blocks.append(np.asarray(matcher._ids[start:], dtype=np.int64))
        weight_blocks.append(np.asarray(matcher._weights[start:], dtype=np.float64))
        start = 0
        matcher._next_block()
    if not id_blocks:
        return EMPTY_IDS, EMPTY_SCORES
    ids, tf = np.concatenate(id_blocks), np.concatenate(weight_blocks)
    scorer = matcher.scorer
    fl = lengths.get(reader, scorer_field(matcher))[ids]
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    return ids, idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


def scorer_field(matcher: W3LeafMatcher) -> str:
    return matcher._term[0]


def _union(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    (a_ids, a_scores), (b_ids, b_scores) = a, b
    if not len(b_ids):
        return a_ids, a_scores
    if not len(a_ids):
        return b_ids, b_scores
    ids = np.union1d(a_ids, b_ids)
    in_a, in_b = np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=bool)
    a_full, b_full = np.zeros(len(ids)), np.zeros(len(ids))
    a_at, b_at = np.searchsorted(ids, a_ids), np.searchsorted(ids, b_ids)
    in_a[a_at], a_full[a_at] = True, a_scores
    in_b[b_at], b_full[b_at] = True, b_scores
    # a + b where both match (the order UnionMatcher.score adds them), else whichever matched
    return ids, np.where(in_a & in_b, a_full + b_full, np.where(in_a, a_full, b_full))
