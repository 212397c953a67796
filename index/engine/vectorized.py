"""Evaluate a Whoosh matcher tree with numpy: every match and its score, without stepping doc by doc.

Stepping a matcher tree costs Python calls per match per node (next, id, score, skip_to); with every match
needed for the facets, that bounded search time. Here the tree Whoosh built for a segment is evaluated node
by node on whole arrays instead: a term's postings are read block by block and scored with BM25F in one
vectorised expression, and unions, intersections, AndMaybe, Require and AndNot combine sorted id arrays.
A phrase (SpanNear2) intersects its terms' id arrays the same way and checks positions only for the
documents that have every term, with Whoosh's span test (restated on position sets for phrases). The tree is Whoosh's own (same shape, same
operand order), so every score is the same float Whoosh computes. Nodes we do not know (custom matchers,
preloaded unions of small indexes) are stepped as before, and their arrays combined with the rest.
"""
from __future__ import annotations

import hashlib

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import binary, wrappers
from whoosh.matching.mcore import ListMatcher, NullMatcherClass
from whoosh.query.spans import Span, SpanNear2
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util import make_binary_tree
from whoosh.util.numeric import byte_to_length

from index.engine.blockcache import CACHE, FileCache, block_weights, decode
from index.engine.bm25f import PooledMatcher
from index.engine.codec import BLOCK_POSTINGS, length_bytes
from index.engine.coordination import COORDINATION_POWER, CoordinationMatcher
from index.engine.deferred import AND, AND_NOT, REQUIRE, WHOOSH_KINDS, DeferredMatcher
from index.engine.documents import InheritedMatcher
from index.engine.phrases import PhraseMatcher
from index.engine.postings import CompactPositions, decode_positions_many

# Each segment's matches of the phrases evaluated over it (`near`): an id array a phrase, most of them short.
PHRASE_MATCHES = FileCache(16 * 2**20)
# Whole terms' decoded ids and weights (posting_blocks): 16 bytes a posting; the domain's common words first.
TERM_POSTINGS = FileCache(64 * 2**20)
# Terms' block directories (_blocks): each block's header place and highest id, 16 bytes a block of 128 postings.
BLOCK_DIRECTORIES = FileCache(8 * 2**20)
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
            column = length_bytes(reader._perdoc, fieldname)
            if column is None:
                lengths = np.full(size, np.nan)
            else:
                lengths = BYTE_LENGTHS[np.frombuffer(column.ljust(size, b"\0"), dtype=np.uint8)]
            self._arrays[key] = lengths
        return lengths

    def keep(self, segment_ids: set[str]) -> None:
        self._arrays = {key: value for key, value in self._arrays.items() if key[0] in segment_ids}


def evaluate(matcher, reader, lengths: FieldLengths, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, scores) of every document `matcher` would still yield, ids ascending (segment docnums).

    `within` (sorted ids, or None for all): the caller only needs these documents, so costly per-document
    work (phrase positions) may be skipped outside them; other ids may still be returned, correctly scored.
    """
    kind = type(matcher)
    if _readable_leaf(matcher):
        return _postings(matcher, reader, lengths, within)
    if isinstance(matcher, NullMatcherClass):
        return EMPTY_IDS, EMPTY_SCORES
    # No is_active() on inner nodes: it would make a PhraseMatcher check positions for every candidate. A node's
    # remaining matches follow from its children's remaining postings, empty or not.
    if kind is PhraseMatcher and matcher.materialised:  # a caller we do not vectorise has used it
        return (np.asarray(matcher._ids[matcher._i:], dtype=np.int64),
                np.asarray(matcher._weights[matcher._i:], dtype=np.float64))
    if kind is PhraseMatcher or kind is SpanNear2.SpanNear2Matcher:
        if all(_positional_leaf(m) for m in matcher.ms):
            return near(matcher, reader, lengths, within)
        if kind is PhraseMatcher:  # terms we cannot read as arrays: Whoosh's own span matcher, stepped
            return _stepped(SpanNear2.SpanNear2Matcher(matcher.ms, slop=matcher.slop, ordered=True, mindist=1))
    if kind is PooledMatcher:  # one word over several fields (index/engine/bm25f.py)
        return matcher.scored(within)
    if kind is InheritedMatcher:  # passages scored by their document's record (index/engine/documents.py)
        return (np.asarray(matcher._ids[matcher._i:], dtype=np.int64),
                np.asarray(matcher._weights[matcher._i:], dtype=np.float64))
    if kind is ListMatcher and matcher._scorer is None and matcher._all_weights:  # a ConstantScoreQuery
        ids = np.asarray(matcher._ids[matcher._i:], dtype=np.int64)
        return ids, np.full(len(ids), float(matcher._all_weights))
    if kind is wrappers.WrappingMatcher:
        ids, scores = evaluate(matcher.child, reader, lengths, within)
        return ids, scores * matcher.boost
    if kind is wrappers.FilterMatcher:  # a segment's deleted documents, excluded
        ids, scores = evaluate(matcher.child, reader, lengths, within)
        listed = np.isin(ids, np.fromiter(matcher._ids, dtype=np.int64))
        keep = ~listed if matcher._exclude else listed
        return ids[keep], scores[keep] * matcher.boost
    if kind is binary.UnionMatcher:
        return _union(evaluate(matcher.a, reader, lengths, within), evaluate(matcher.b, reader, lengths, within))
    if kind is DeferredMatcher and matcher.materialised:  # a caller we do not vectorise has used it
        return (np.asarray(matcher._ids[matcher._i:], dtype=np.int64),
                np.asarray(matcher._weights[matcher._i:], dtype=np.float64))
    if kind is DeferredMatcher:  # index/engine/deferred.py
        return _combined(matcher.kind, matcher.a, matcher.b, reader, lengths, within)
    if kind in WHOOSH_KINDS:
        return _combined(WHOOSH_KINDS[kind], matcher.a, matcher.b, reader, lengths, within)
    if kind is CoordinationMatcher:
        return _coordinated(matcher, reader, lengths, within)
    if kind is wrappers.InverseMatcher and matcher.missing == reader.is_deleted:  # a NOT inside an And
        return _inverse(matcher, reader, lengths, within)
    return _stepped(matcher)


def _combined(kind: str, a, b, reader, lengths: FieldLengths, within: np.ndarray | None):
    """Two sides combined as Whoosh's binary matcher of that kind combines them, the side that narrows read first
    and the other only within its matches."""
    if kind == AND:  # a Whoosh tree's second side is the one estimated smaller; a sum is the same either way
        b_result = evaluate(b, reader, lengths, within)
        return _intersect(evaluate(a, reader, lengths, _narrower(b_result[0], within)), b_result)
    if kind == REQUIRE:  # the filter first: it is usually the narrower side
        b_ids, _ = evaluate(b, reader, lengths, within)
        a_ids, a_scores = evaluate(a, reader, lengths, _narrower(b_ids, within))
        keep = np.isin(a_ids, b_ids, assume_unique=True)
        return a_ids[keep], a_scores[keep]
    a_ids, a_scores = evaluate(a, reader, lengths, within)
    b_ids, b_scores = evaluate(b, reader, lengths, _narrower(a_ids, within))
    if kind == AND_NOT:
        keep = ~np.isin(a_ids, b_ids, assume_unique=True)
        return a_ids[keep], a_scores[keep]
    # AND_MAYBE: the optional part only matters where the required part matched
    _, ia, ib = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
    scores = a_scores.copy()
    scores[ia] = a_scores[ia] + b_scores[ib]
    return a_ids, scores


def _coordinated(matcher: CoordinationMatcher, reader, lengths: FieldLengths,
                 within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """CoordinationMatcher.score on arrays: the parts' scores added in part order where each matched, times
    (weight of the parts matched / of all parts) ** power, times the boost (the same floats, in the same order)."""
    parts = [(*evaluate(part, reader, lengths, within), weight)
             for part, weight in zip(matcher._parts, matcher._weights, strict=True)]
    parts = [(ids, scores, weight) for ids, scores, weight in parts if len(ids)]
    if not parts:
        return EMPTY_IDS, EMPTY_SCORES
    ids = parts[0][0] if len(parts) == 1 else sorted_union([ids for ids, _, _ in parts])
    total, matched = np.zeros(len(ids)), np.zeros(len(ids))
    for part_ids, part_scores, weight in parts:
        at = np.searchsorted(ids, part_ids)
        total[at] += part_scores
        matched[at] += weight
    factor = (matched / matcher._total) ** COORDINATION_POWER
    return ids, matcher._boost * factor * total


def _inverse(matcher: wrappers.InverseMatcher, reader, lengths: FieldLengths,
             within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Every live document from the current one on that the child does not match, at the matcher's weight."""
    if matcher._id >= matcher.limit:
        return EMPTY_IDS, EMPTY_SCORES
    if within is None:
        candidates = np.arange(matcher._id, matcher.limit, dtype=np.int64)
    else:
        candidates = within[(within >= matcher._id) & (within < matcher.limit)]
    child_ids, _ = evaluate(matcher.child, reader, lengths, candidates)
    excluded = child_ids
    if reader.has_deletions():
        excluded = np.union1d(child_ids, np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64))
    ids = candidates[~np.isin(candidates, excluded)]
    return ids, np.full(len(ids), float(matcher._weight))


def _narrower(ids: np.ndarray, within: np.ndarray | None) -> np.ndarray:
    return ids if within is None else np.intersect1d(ids, within, assume_unique=True)


def _stepped(matcher) -> tuple[np.ndarray, np.ndarray]:
    """A node we cannot vectorise (positions, custom scoring): step it as Whoosh's collector would."""
    ids, scores = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)


def _postings(matcher, reader, lengths: FieldLengths,
              within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A term's remaining postings, block by block, scored as its scorer would (BM25F or the weight)."""
    ids, tf, _ = leaf_postings(matcher, values=False, within=within)
    if type(_scorer(matcher)) is WeightScorer:  # a field without lengths (an ID, the places): the weight
        return ids, tf
    return ids, _bm25(matcher, reader, lengths, ids, tf)


def _scorer(matcher):
    return matcher.scorer if isinstance(matcher, W3LeafMatcher) else matcher._scorer


def _readable_leaf(matcher) -> bool:
    """A term's postings we read as arrays: Whoosh's block reader, or a list matcher (the postings of a rare
    term kept inline in its term record), scored by BM25F or by weight."""
    if not isinstance(matcher, W3LeafMatcher) and (not isinstance(matcher, ListMatcher) or type(matcher) is PhraseMatcher
                                               or matcher._term is None):
        return False
    return type(_scorer(matcher)) in (BM25FScorer, WeightScorer)


def leaf_postings(matcher, values: bool, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, list]:
    """(ids, weights, raw values or []) of a readable leaf from its current posting on; the matcher is consumed."""
    if isinstance(matcher, W3LeafMatcher):
        return posting_blocks(matcher, values, within)
    start = matcher._i
    ids = np.asarray(matcher._ids[start:], dtype=np.int64)
    if matcher._all_weights:  # as ListMatcher.weight() reads them
        weights = np.full(len(ids), float(matcher._all_weights))
    elif matcher._weights:
        weights = np.asarray(matcher._weights[start:], dtype=np.float64)
    else:
        weights = np.ones(len(ids))
    raw = list(matcher._values[start:]) if values and matcher._values else ([b""] * len(ids) if values else [])
    matcher._i = len(matcher._ids)
    return ids, weights, raw


def posting_blocks(matcher: W3LeafMatcher, values: bool, within: np.ndarray | None = None,
                   cached: bool = True) -> tuple[np.ndarray, np.ndarray, list]:
    """(ids, weights, raw posting values or []) from the matcher's current posting to its end; with `within`,
    blocks holding none of those ids are skipped unread (a block's header gives its highest id). Decoded blocks
    come from the process's block cache (index/engine/blockcache.py) unless `cached` is False (merges, which
    read each block once). A whole term's ids and weights are kept too (TERM_POSTINGS): a term read again from its
    start, without values, is two arrays, not a header to parse and a cache look-up per block."""
    at_first_block = getattr(matcher, "first_block", None) == matcher._dataoffset  # index/engine/codec.py sets it
    if cached and not values and not matcher._byteids and at_first_block:
        skipped = matcher._i  # deleted documents a FilterMatcher stepped over, or an intersection's skip
        known = TERM_POSTINGS.peek(matcher._postfile, matcher._startoffset)
        if known is None and (within is None or _reads_every_block(matcher, within)):
            matcher._i = 0
            ids, weights, _ = _blocks(matcher, False, None, True)
            ids.flags.writeable = weights.flags.writeable = False
            known = TERM_POSTINGS.get(matcher._postfile, matcher._startoffset,
                                      lambda: ((ids, weights), ids.nbytes + weights.nbytes))
        if known is not None:
            matcher._atend = True  # consumed, as below
            return (*postings_within(known[0][skipped:], known[1][skipped:], within), [])
    return _blocks(matcher, values, within, cached)


def record_postings(terms, terminfo, field_format, values: bool) -> tuple[np.ndarray, np.ndarray, list]:
    """(ids, weights, raw values or []) of one term of a segment, from its record in the segment's term table
    (`terms`, index/engine/codec.py), read once and past the query caches: for whole-segment scans (merges, the
    column arrays, the co-occurrence matrix). A record keeping its postings inline gives them without a matcher;
    an inline value left empty is None, as Whoosh's reader gives it."""
    if terminfo.is_inlined():
        ids, weights, raw = terminfo.inlined_postings()
        return (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64),
                (list(raw) if raw else [None] * len(ids)) if values else [])
    matcher = terms._codec.postings_reader(terms._postfile, terminfo, field_format)
    return posting_blocks(matcher, values=values, cached=False)


def _reads_every_block(matcher: W3LeafMatcher, within: np.ndarray) -> bool:
    """Whether `within` wants about a posting a block: then reading within it walks every block's header anyway
    (a phrase's known matches of two common words), and the whole term, read once and kept, costs no more."""
    return len(within) * BLOCK_POSTINGS >= getattr(matcher, "postings_count", np.inf)


def postings_within(ids: np.ndarray, weights: np.ndarray, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The postings of `within`'s ids (all of them with None)."""
    if within is None or not len(ids):
        return ids, weights
    at = np.minimum(np.searchsorted(ids, within), len(ids) - 1)
    found = at[ids[at] == within]
    return ids[found], weights[found]


def _blocks(matcher: W3LeafMatcher, values: bool, within: np.ndarray | None, cached: bool
            ) -> tuple[np.ndarray, np.ndarray, list]:
    """posting_blocks' reading, block by block. Finding the blocks that hold `within`'s ids means reading every
    block's header (each gives the next one's place), so a term read from its start leaves its block directory
    (BLOCK_DIRECTORIES), and a later read within ids goes straight to their blocks."""
    at_first_block = (cached and not matcher._byteids
                      and getattr(matcher, "first_block", None) == matcher._dataoffset)
    key = (matcher._postfile, matcher._startoffset)
    if within is not None and at_first_block:
        directory = BLOCK_DIRECTORIES.peek(*key)
        if directory is not None:
            return _directory_blocks(matcher, values, within, directory)
    id_blocks, weight_blocks, value_blocks = [], [], []
    walked = [] if at_first_block else None  # (header place, highest id) of each block, from the first
    position = matcher._baseoffset
    start = matcher._i  # an enclosing intersection may have advanced it: what it skipped cannot match
    lowest = 0  # no id below this is left in the current block
    while matcher.is_active():
        if walked is not None:
            walked.append((position, matcher._maxid))
        position = matcher._nextoffset
        if within is not None:
            wanted = np.searchsorted(within, lowest)
            if wanted == len(within):
                walked = None  # not walked to the end
                break
            if within[wanted] > matcher._maxid:
                lowest, start = matcher._maxid + 1, 0
                matcher._next_block()
                continue
        lowest = matcher._maxid + 1
        ids, weights = _block(matcher, cached, values, start, value_blocks)
        id_blocks.append(ids)
        weight_blocks.append(weights)
        start = 0
        matcher._next_block()
    if walked:
        directory = np.array(walked, dtype=np.int64).T
        BLOCK_DIRECTORIES.get(*key, lambda: ((directory[0], directory[1]), directory.nbytes))
    if not id_blocks:
        return EMPTY_IDS, EMPTY_SCORES, []
    return np.concatenate(id_blocks), np.concatenate(weight_blocks), value_blocks


def _directory_blocks(matcher: W3LeafMatcher, values: bool, within: np.ndarray,
                      directory: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, list]:
    """The blocks holding `within`'s ids, found in the term's block directory: the blocks `_blocks` reads."""
    positions, highest = directory
    wanted = np.unique(np.searchsorted(highest, within))
    id_blocks, weight_blocks, value_blocks = [], [], []
    start = matcher._i  # the first block's postings an enclosing intersection stepped over
    for block in wanted[wanted < len(highest)].tolist():
        if block:
            matcher._goto(int(positions[block]))
        ids, weights = _block(matcher, True, values, start if block == 0 else 0, value_blocks)
        id_blocks.append(ids)
        weight_blocks.append(weights)
    matcher._atend = True  # consumed, as after a walk
    if not id_blocks:
        return EMPTY_IDS, EMPTY_SCORES, []
    return np.concatenate(id_blocks), np.concatenate(weight_blocks), value_blocks


def _block(matcher: W3LeafMatcher, cached: bool, values: bool, start: int, value_blocks: list
           ) -> tuple[np.ndarray, np.ndarray]:
    """The current block's ids and weights from posting `start` on; its raw values appended to `value_blocks`."""
    if matcher._byteids:  # a vector's postings (ids are terms): not what searches read
        matcher._read_ids()
        ids, weights = np.asarray(matcher._ids, dtype=np.int64), block_weights(matcher)
    else:
        ids, weights, matcher._data = CACHE.block(matcher) if cached else decode(matcher)
    if values:
        if matcher._values is None:
            matcher._read_values()
        value_blocks.extend(matcher._values[start:])
    return ids[start:], weights[start:]


def _bm25(matcher, reader, lengths: FieldLengths, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
    scorer = _scorer(matcher)
    fl = lengths.get(reader, scorer_field(matcher))[ids]
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


def unwrapped(matcher):
    """(term matcher, docnums it must skip): a segment with deletions wraps each term in a FilterMatcher."""
    if type(matcher) is wrappers.FilterMatcher and matcher._exclude and matcher.boost == 1.0:
        return matcher.child, np.fromiter(matcher._ids, dtype=np.int64)
    return matcher, None


def _positional_leaf(matcher) -> bool:
    matcher, _ = unwrapped(matcher)
    return (_readable_leaf(matcher) and type(_scorer(matcher)) is BM25FScorer
            and matcher.supports("positions") and not matcher.supports("characters"))


class _Positions:
    """Stands in for a term matcher positioned on one document, for SpanNear2Matcher._get_spans."""

    __slots__ = ("_spans",)

    def __init__(self, positions):
        self._spans = [Span(pos) for pos in positions]

    def spans(self):
        return self._spans


class _Near:
    """Stands in for the SpanNear2Matcher whose _get_spans we call, one document at a time."""

    def __init__(self, matcher, ms):
        self.slop, self.ordered, self.mindist, self.ms = matcher.slop, matcher.ordered, matcher.mindist, ms


def near(matcher, reader, lengths: FieldLengths, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """A phrase / near query: ids having every term (scored as its intersection tree), then positions.

    Which passages of a segment hold the phrase never changes (only deletions are added, and they are dropped
    again), so once a phrase has been evaluated over a segment (or within a set of its ids, the set named by its
    digest) its matches are kept (PHRASE_MATCHES); a later evaluation reads the terms' postings only in blocks holding a match, without positions. Component phrases
    (index/query/syntax.py: 红色 … 物业 apart) have every passage of the compound as a candidate, since the
    compound's parts are indexed at its position, and match few of them."""
    key = (matcher.slop, matcher.ordered, matcher.mindist, tuple(unwrapped(m)[0]._term for m in matcher.ms))
    known = PHRASE_MATCHES.peek(reader, key)  # the whole segment's
    if known is None and within is not None:  # e.g. a title phrase, asked within the segment's document records
        key += (hashlib.blake2b(within.tobytes(), digest_size=16).digest(),)
        known = PHRASE_MATCHES.peek(reader, key)
    if known is not None:
        return _near_known(matcher, reader, lengths, known if within is None else _narrower(known, within))
    ids, scores = _near(matcher, reader, lengths, within)
    kept = ids.copy()
    kept.flags.writeable = False
    PHRASE_MATCHES.get(reader, key, lambda: (kept, kept.nbytes))
    return ids, scores * matcher.boost


def _near_known(matcher, reader, lengths: FieldLengths, matches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The phrase's scores at its known matches: the terms' postings read as `_near` reads them, within these."""
    if not len(matches):
        return EMPTY_IDS, EMPTY_SCORES
    leaves = []
    for wrapped in matcher.ms:
        leaf, _ = unwrapped(wrapped)  # deleted passages: dropped below, with the matches no longer live
        ids, tf, _ = leaf_postings(leaf, values=False, within=matches)
        leaves.append((ids, _bm25(leaf, reader, lengths, ids, tf)))
    ids, scores = make_binary_tree(_intersect, leaves)
    keep = np.isin(ids, matches, assume_unique=True)
    if reader.has_deletions():
        keep &= ~np.isin(ids, np.fromiter(reader.deleted_docs_set, dtype=np.int64))
    return ids[keep], scores[keep] * matcher.boost


def _near(matcher, reader, lengths: FieldLengths, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, unboosted scores) of a phrase's matches, positions checked."""
    leaves = []
    for wrapped in matcher.ms:
        leaf, deleted = unwrapped(wrapped)
        ids, tf, values = leaf_postings(leaf, values=True, within=within)
        if deleted is not None and len(ids):
            live = np.flatnonzero(~np.isin(ids, deleted))
            ids, tf, values = ids[live], tf[live], [values[i] for i in live]
        field_format = leaf.format if isinstance(leaf, W3LeafMatcher) else leaf._format
        leaves.append((ids, _bm25(leaf, reader, lengths, ids, tf), values, field_format))
    # The candidates and their scores exactly as the intersection tree Whoosh built over the terms adds them.
    ids, scores = make_binary_tree(_intersect, [(ids, scores) for ids, scores, _, _ in leaves])
    if within is not None:
        wanted = np.isin(ids, within, assume_unique=True)
        ids, scores = ids[wanted], scores[wanted]
    if not len(ids):
        return EMPTY_IDS, EMPTY_SCORES
    rows = [np.searchsorted(leaf_ids, ids) for leaf_ids, _, _, _ in leaves]
    if matcher.ordered and matcher.mindist == 1:  # how Phrase builds it
        keep = _ordered_spans([_candidate_positions(values, row, field_format)
                               for (_, _, values, field_format), row in zip(leaves, rows, strict=True)],
                              matcher.slop, len(ids))
    else:
        keep = np.zeros(len(ids), dtype=bool)
        get_spans = SpanNear2.SpanNear2Matcher._get_spans
        decoders = [field_format.decoder("positions") for _, _, _, field_format in leaves]
        for k in range(len(ids)):
            ms = [_Positions(decode(values[row[k]]))
                  for (_, _, values, _), row, decode in zip(leaves, rows, decoders, strict=True)]
            keep[k] = bool(get_spans(_Near(matcher, ms)))
    return ids[keep], scores[keep]


POSITION_STRIDE = 1 << 32  # (candidate, position) packed as candidate * stride + position: positions stay below it


def _candidate_positions(values: list, rows: np.ndarray, field_format) -> np.ndarray:
    """One term's positions in each candidate document, as packed (candidate, position) keys, ascending."""
    chosen = [values[row] for row in rows.tolist()]
    if isinstance(field_format, CompactPositions):
        counts, positions = decode_positions_many(chosen)
    else:  # another positions format (an index written before the compact one): decoded one by one
        decoded = [field_format.decode_positions(value) for value in chosen]
        counts = np.fromiter(map(len, decoded), dtype=np.int64, count=len(decoded))
        positions = np.fromiter((p for found in decoded for p in found), dtype=np.int64, count=int(counts.sum()))
    return np.repeat(np.arange(len(chosen), dtype=np.int64) * POSITION_STRIDE, counts) + positions


def _ordered_spans(keys: list[np.ndarray], slop: int, candidates: int) -> np.ndarray:
    """Whoosh's span test for an ordered phrase (mindist 1), on every candidate at once: term i must follow the
    span so far, its position 1 to `slop` after the span's end, and the span then ends there. Only the set of
    possible ends matters, so each term keeps the positions that extend some end of the term before it."""
    gaps = np.arange(1, slop + 1, dtype=np.int64)
    ends = _distinct(keys[0])
    for following in keys[1:]:
        if not len(ends):
            break
        before = following[:, None] - gaps  # a gap never crosses candidates: positions lie far below the stride
        at = np.minimum(np.searchsorted(ends, before), len(ends) - 1)
        ends = _distinct(following[(ends[at] == before).any(axis=1)])
    keep = np.zeros(candidates, dtype=bool)
    keep[ends // POSITION_STRIDE] = True
    return keep


def _intersect(a, b):
    (a_ids, a_scores), (b_ids, b_scores) = a, b
    _, ia, ib = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
    return a_ids[ia], a_scores[ia] + b_scores[ib]


def scorer_field(matcher: W3LeafMatcher) -> str:
    return matcher._term[0]


def sorted_union(parts: list[np.ndarray]) -> np.ndarray:
    """The union of ascending id arrays, ascending. A stable sort merges the sorted runs; np.union1d and
    np.unique hash every id first (20x slower on 60k ids with numpy 2.4), and unions run at every Or node."""
    return _distinct(np.sort(np.concatenate(parts), kind="stable"))


def summed(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """(ascending ids, scores) pairs → their union, ascending, each id with the sum of its scores in part order
    (what an Or of the parts adds). A stable sort merges the runs, as in sorted_union."""
    parts = [(ids, scores) for ids, scores in parts if len(ids)]
    if not parts:
        return EMPTY_IDS, EMPTY_SCORES
    if len(parts) == 1:
        return parts[0]
    joined = np.concatenate([ids for ids, _ in parts])
    order = np.argsort(joined, kind="stable")
    ordered = joined[order]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    where = np.empty(len(joined), dtype=np.int64)
    where[order] = np.cumsum(first) - 1
    union = ordered[first]
    return union, np.bincount(where, weights=np.concatenate([scores for _, scores in parts]), minlength=len(union))


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """An ascending array without its repeats."""
    if len(ascending) < 2:
        return ascending
    keep = np.empty(len(ascending), dtype=bool)
    keep[0] = True
    np.not_equal(ascending[1:], ascending[:-1], out=keep[1:])
    return ascending[keep]


def _union(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    (a_ids, a_scores), (b_ids, b_scores) = a, b
    if not len(b_ids):
        return a_ids, a_scores
    if not len(a_ids):
        return b_ids, b_scores
    ids = sorted_union([a_ids, b_ids])
    in_a, in_b = np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=bool)
    a_full, b_full = np.zeros(len(ids)), np.zeros(len(ids))
    a_at, b_at = np.searchsorted(ids, a_ids), np.searchsorted(ids, b_ids)
    in_a[a_at], a_full[a_at] = True, a_scores
    in_b[b_at], b_full[b_at] = True, b_scores
    # a + b where both match (the order UnionMatcher.score adds them), else whichever matched
    return ids, np.where(in_a & in_b, a_full + b_full, np.where(in_a, a_full, b_full))
