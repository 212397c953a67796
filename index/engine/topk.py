"""Relevance-ranked matches without scoring every match: block-max skipping over windows of docnums.

A query over a large index matches most passages, yet a page shows ten. Each segment's docnums are cut into
windows (index/engine/bounds.py bounds every window's scores from posting block headers). Two passes:

1. A fixed sample of windows (every SAMPLE_EVERY-th: an unbiased share of the index for the total and the
   facets) and the windows with the highest bounds are evaluated in full. The caller's `threshold` turns those
   matches into a score every result it needs must reach: the k-th best score (or the k-th best group's best)
   among them, a lower bound on the k-th best of all matches.
2. Only the windows whose bound reaches that threshold are evaluated. A window below it cannot hold a match
   that beats k matches already found, so its postings are never decompressed.

Every match scoring at least the threshold is therefore found with its exact score, and the top k of what is
returned is the exhaustive top k (tests/test_topk.py). Matches below the threshold are partly missing: the caller
estimates the total and facets from the sample (`Matches.sample`). Small indexes, filtered queries and queries
of several parts (bounds.exactly_bounded), and queries the sample says match few passages, are evaluated in full
and exactly.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

from index.engine.bounds import WINDOW, exactly_bounded, window_bounds
from index.engine.documents import passage_docnums
from index.engine.vectorized import FieldLengths, evaluate, summed

# Smaller indexes are evaluated in full: skipping cost more CPU than it saved on the 10k bench index (80k passages:
# 物业 47 against 23 ms), and saved it on the 100k one (640k passages: 83 against 197 ms). Queries of several parts
# and filtered ones are evaluated in full at any size (bounds.exactly_bounded).
BOUNDED_FROM_PASSAGES = 256 * WINDOW
# A broad filter that keeps fewer passages than this share makes the word cheaper in full: on the 100k bench index
# 物业 type:policy (15% of passages) took 101 ms bounded against 72 ms in full; on-topic (most passages) kept the gain.
BOUNDED_KEEP_SHARE = 0.5
SAMPLE_EVERY = 8  # one window in 8 is evaluated in full for the estimates (12.5% of the index)
SEED_WINDOWS = 4  # the highest-bound windows evaluated with the sample, so the threshold starts high
# A word in fewer than this share of the passages is evaluated in full: the passes over windows cost more than
# reading its list (on the 100k bench index: 歌声, 8k passages, 31 ms bounded against 9 ms in full; 认为, 34k,
# 30 against 22 ms; 社区, 161k, 48 against 67 ms).
BOUNDED_WORD_SHARE = 0.1
EXACT_BELOW_MATCHES = 10_000  # when the sample predicts fewer matching passages, all are found and counted exactly


@dataclass
class Matches:
    """Matches (ascending docnums) with exact scores. `sample`: None when these are every match; else which of
    them lie in the sampled windows, which hold `sample_share` of the searcher's docnums."""

    docnums: np.ndarray
    scores: np.ndarray
    sample: np.ndarray | None = None
    sample_share: float = 1.0

    @property
    def complete(self) -> bool:
        return self.sample is None


@dataclass
class _Segment:
    searcher: Searcher
    offset: int
    size: int
    bounds: np.ndarray  # per window, summed over the queries


def top_matches(searcher: Searcher, queries: Sequence[q.Query], lengths: FieldLengths,
                threshold: Callable[[np.ndarray, np.ndarray], float], keep: np.ndarray | None = None,
                bounded_from: int | None = None) -> Matches:
    """Every match of the sum of `queries` scoring at least `threshold(docnums, scores)` of a first sample of
    matches, plus the sample's matches. `keep`: a bitset of the docnums the caller keeps (a broad filter)."""
    if not _worth_bounding(searcher, queries, keep, BOUNDED_FROM_PASSAGES if bounded_from is None else bounded_from):
        docnums, scores = _evaluate(searcher, queries, lengths, None, keep)
        return Matches(docnums, scores)
    context = searcher.context(needs_current=False)
    segments = []
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        size = reader.doc_count_all()
        if not size:
            continue
        bounds = sum(window_bounds(query.matcher(subsearcher, context), reader, lengths) for query in queries)
        if keep is not None:  # a window the filter empties holds no result
            kept = np.add.reduceat(keep[offset:offset + size].astype(np.int64), np.arange(0, size, WINDOW))
            bounds = np.where(kept > 0, bounds, 0.0)
        segments.append(_Segment(subsearcher, offset, size, bounds))
    if not segments:
        return Matches(np.zeros(0, dtype=np.int64), np.zeros(0))
    sampled = [np.arange(len(s.bounds)) % SAMPLE_EVERY == SAMPLE_EVERY // 2 for s in segments]
    first = [chosen.copy() for chosen in sampled]
    every_bound = np.concatenate([s.bounds for s in segments])
    if len(every_bound) > SEED_WINDOWS:
        cut = np.partition(every_bound, -SEED_WINDOWS)[-SEED_WINDOWS]
        first = [chosen | (s.bounds >= cut) for chosen, s in zip(first, segments, strict=True)]
    docnums, scores = _in_windows(segments, first, queries, lengths, context, keep)
    in_sample = _window_of(segments, docnums, sampled)
    share = sum(_docnums_in(s, chosen) for s, chosen in zip(segments, sampled, strict=True)) / searcher.doc_count_all()
    estimate = np.count_nonzero(in_sample) / share if share else np.inf
    floor = -np.inf if estimate < EXACT_BELOW_MATCHES else threshold(docnums, scores)
    second = [(s.bounds >= floor) & ~chosen for s, chosen in zip(segments, first, strict=True)]
    more_docnums, more_scores = _in_windows(segments, second, queries, lengths, context, keep)
    everything = all(bool(np.all(a | b)) for a, b in zip(first, second, strict=True))
    docnums, scores = np.concatenate([docnums, more_docnums]), np.concatenate([scores, more_scores])
    order = np.argsort(docnums, kind="stable")
    docnums, scores = docnums[order], scores[order]
    if everything:
        return Matches(docnums, scores)
    return Matches(docnums, scores, _window_of(segments, docnums, sampled), min(1.0, share))


def _worth_bounding(searcher: Searcher, queries: Sequence[q.Query], keep: np.ndarray | None, smallest: int) -> bool:
    """Whether skipping windows can cost less than evaluating every match (the figures are the constants')."""
    passages = searcher.doc_count_all()
    if passages < smallest or not all(exactly_bounded(query) for query in queries):
        return False
    if keep is not None and np.count_nonzero(keep) < BOUNDED_KEEP_SHARE * len(keep):
        return False
    return sum(query.estimate_size(searcher.reader()) for query in queries) >= BOUNDED_WORD_SHARE * passages


def matches_within(searcher: Searcher, queries: Sequence[q.Query], lengths: FieldLengths, docnums: np.ndarray,
                   keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The exact matches among `docnums` (sorted, unique): e.g. every passage of the documents on a page."""
    return _evaluate(searcher, queries, lengths, np.asarray(docnums, dtype=np.int64), keep)


def _evaluate(searcher: Searcher, queries, lengths: FieldLengths, within: np.ndarray | None,
              keep: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    context = searcher.context(needs_current=False)
    parts_ids, parts_scores = [], []
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        size = reader.doc_count_all()
        if not size:
            continue
        local = None
        if within is not None:
            local = within[(within >= offset) & (within < offset + size)] - offset
            if not len(local):
                continue
        ids, scores = _summed_queries(subsearcher, reader, queries, lengths, context, local)
        parts_ids.append(ids + offset)
        parts_scores.append(scores)
    return _kept(parts_ids, parts_scores, keep)


def _in_windows(segments: list[_Segment], chosen: list[np.ndarray], queries, lengths: FieldLengths, context,
                keep: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    parts_ids, parts_scores = [], []
    for segment, windows in zip(segments, chosen, strict=True):
        picked = np.flatnonzero(windows)
        if not len(picked):
            continue
        within = (picked[:, None] * WINDOW + np.arange(WINDOW)).ravel()
        within = within[within < segment.size]
        ids, scores = _summed_queries(segment.searcher, segment.searcher.reader(), queries, lengths, context, within)
        parts_ids.append(ids + segment.offset)
        parts_scores.append(scores)
    return _kept(parts_ids, parts_scores, keep)


def _summed_queries(subsearcher, reader, queries, lengths: FieldLengths, context, within: np.ndarray | None):
    ids, scores = np.zeros(0, dtype=np.int64), np.zeros(0)
    for query in queries:
        more_ids, more_scores = evaluate(query.matcher(subsearcher, context), reader, lengths, within)
        if within is not None:  # a node evaluated without `within` (stepped) returns every match: keep the asked
            wanted = np.isin(more_ids, within, assume_unique=True)
            more_ids, more_scores = more_ids[wanted], more_scores[wanted]
        ids, scores = summed([(ids, scores), (more_ids, more_scores)])
    return passage_docnums(reader, ids, scores)  # document records are never matches (index/engine/documents.py)


def _kept(parts_ids: list, parts_scores: list, keep: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if not parts_ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    docnums, scores = np.concatenate(parts_ids), np.concatenate(parts_scores)
    if keep is not None:
        kept = keep[docnums]
        docnums, scores = docnums[kept], scores[kept]
    return docnums, scores


def _docnums_in(segment: _Segment, windows: np.ndarray) -> int:
    starts = np.flatnonzero(windows) * WINDOW
    return int(np.minimum(WINDOW, segment.size - starts).sum())


def _window_of(segments: list[_Segment], docnums: np.ndarray, flags: list[np.ndarray]) -> np.ndarray:
    """For each docnum, the flag of the window holding it."""
    result = np.zeros(len(docnums), dtype=bool)
    for segment, windows in zip(segments, flags, strict=True):
        inside = (docnums >= segment.offset) & (docnums < segment.offset + segment.size)
        result[inside] = windows[(docnums[inside] - segment.offset) // WINDOW]
    return result
