"""The index read back as a passage × word matrix, for learning which words occur together (related terms).

The index already holds every passage's words (the `body` postings), so learning from the corpus costs one pass
over the postings of the words worth relating — no passage is segmented again. Passages are rows (their docnum),
words columns; a passage's document group (a repost and its original are one group) comes from the sortable
`group_id` column, so evidence is counted per document, not per copy.
"""
from __future__ import annotations

import logging
import mmap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from index.engine.codec import record_doc_frequency
from index.engine.vectorized import record_postings

FIELD = "body"
log = logging.getLogger("redprop.ingest")


@dataclass
class TermMatrix:
    words: list[str]  # column → word
    passages: sparse.csr_matrix  # passage (docnum) × word, 1 where the passage holds the word
    groups: np.ndarray  # docnum → document group ordinal
    total: int  # passages in the index (deleted ones excluded)


# Reading a segment's postings back as the matrix costs about a sixth of what merging it costs, per passage (at
# 100k documents: the matrix's 794k passages read in 26.5 CPU s; a tier merge of 30 batch segments, 61k passages,
# 11.7 s): how a second process shares the reading when it has a merge to do first.
MERGE_COST_IN_READS = 6
# One segment's columns: (positions of its terms in the chosen list, their passage counts, the passages' docnums in
# the segment, live ones only, concatenated)
Columns = tuple[np.ndarray, np.ndarray, np.ndarray]


def term_matrix(searcher, wanted: Callable[[str], bool], min_passages: int, max_passages: int,
                apart: Callable[[list, list[bytes]], Callable[[], list[Columns]]] | None = None,
                busy: int = 0) -> TermMatrix:
    """The words of `body` that `wanted` accepts and that between `min_passages` and `max_passages` passages hold.

    Read segment by segment, each word's passages as arrays a posting block at a time (index/engine/vectorized.py),
    straight into the matrix's columns. Whoosh's own reader of several segments looks every term up in every
    segment, and its matcher steps posting by posting: most of what learning cost, in the one process an ingest
    waits on at its end; and a (docnum, column) pair per entry took five times the matrix's memory. Each
    segment's pages are let go once read (_let_go).

    `apart(segments, terms)` starts reading the last segments' columns in another process (`read_columns`; the
    returned call waits for them) while this one reads the first: about half the passages each, less for the
    other process by what it merges first (`busy` passages, MERGE_COST_IN_READS)."""
    reader = searcher.reader()
    leaves = list(reader.leaf_readers())
    size = reader.doc_count_all()
    groups = _groups(reader, size)
    frequencies: dict[bytes, int] = {}  # passages holding the term, deleted ones included, as Whoosh counts
    for leaf, _ in leaves:
        for term, record in _records(leaf):
            frequencies[term] = frequencies.get(term, 0) + record_doc_frequency(record)
        _let_go(leaf)
    terms = [term for term in sorted(frequencies)  # Whoosh's term order: by bytes
             if min_passages <= frequencies[term] <= max_passages and wanted(_word(term))]
    del frequencies
    here = len(leaves) - _apart_count([leaf.doc_count_all() for leaf, _ in leaves], busy) if apart else len(leaves)
    waiting = apart([leaf.segment() for leaf, _ in leaves[here:]], terms) if here < len(leaves) else list
    positions = {term: position for position, term in enumerate(terms)}
    read = [segment_columns(leaf, positions) for leaf, _ in leaves[:here]]
    try:
        read += waiting()
    except Exception:  # the other process failed (its limits): read its segments here
        log.exception("term_matrix_apart_failed")
        read += [segment_columns(leaf, positions) for leaf, _ in leaves[here:]]
    docnums, counts = _joined(read, [offset for _, offset in leaves], len(terms))
    del read
    kept = counts >= min_passages  # deletions may have taken some
    words = [_word(term) for term, keep in zip(terms, kept.tolist(), strict=True) if keep]
    docnums = docnums[np.repeat(kept, counts)]
    indptr = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(counts[kept], out=indptr[1:])
    by_word = sparse.csc_matrix((np.ones(len(docnums), dtype=np.int32), docnums, indptr), shape=(size, len(words)))
    return TermMatrix(words, by_word.tocsr(), groups, reader.doc_count())


def _joined(read: list[Columns], offsets: list[int], terms: int) -> tuple[np.ndarray, np.ndarray]:
    """(every term's docnums, term after term, each ascending; each term's count) from the segments' columns, in
    segment order: each segment's pieces placed at once, not a term at a time (72k terms × 14 segments at 100k)."""
    counts = np.zeros(terms, dtype=np.int64)
    for found, lengths, _ in read:
        counts[found] += lengths  # a term once per segment
    filled = np.zeros(terms, dtype=np.int64)  # where each term's next piece goes
    np.cumsum(counts[:-1], out=filled[1:])
    docnums = np.empty(int(counts.sum()), dtype=np.int32)
    for (found, lengths, ids), offset in zip(read, offsets, strict=True):
        within = np.arange(len(ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # place within its piece
        docnums[np.repeat(filled[found], lengths) + within] = ids + offset
        filled[found] += lengths
    return docnums, counts


def _apart_count(passages: list[int], busy: int) -> int:
    """How many of the last segments the other process reads: those within its share of the passages."""
    share = sum(passages) // 2 - busy * MERGE_COST_IN_READS // 2
    count = 0
    for held in reversed(passages[1:]):  # this process reads the first segment at least
        share -= held
        if share < 0:
            break
        count += 1
    return count


def read_columns(index_dir: Path, segments: list, terms: list[bytes]) -> list[Columns]:
    """`segments` of the index in `index_dir`, read in place: each one's columns of `terms` (`segment_columns`).
    What another process (ingest's segment worker) reads of the matrix for `term_matrix`."""
    storage = FileStorage(str(index_dir))
    schema = storage.open_index().schema
    positions = {term: position for position, term in enumerate(terms)}
    found = []
    for segment in segments:
        leaf = SegmentReader(storage, schema, segment)
        try:
            found.append(segment_columns(leaf, positions))
        finally:
            leaf.close()
    return found


def segment_columns(leaf, positions: dict[bytes, int]) -> Columns:
    """One segment's passages of each term in `positions` (term → its column), deleted passages left out."""
    deleted = np.fromiter(leaf.deleted_docs_set, dtype=np.int64) if leaf.has_deletions() else None
    found, lengths, pieces = [], [], []
    for term, record in _records(leaf):
        position = positions.get(term)
        if position is not None:
            ids = _docnums(leaf, W3TermInfo.from_bytes(record))
            if deleted is not None and len(ids):
                ids = ids[~np.isin(ids, deleted)]
            found.append(position)
            lengths.append(len(ids))
            pieces.append(ids.astype(np.int32))
    _let_go(leaf)
    return (np.array(found, dtype=np.int64), np.array(lengths, dtype=np.int64),
            np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32))


def _word(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _records(leaf):
    """(term, its record's bytes) of every `body` term of one segment, in term order. Whoosh's own iteration decodes
    each record, unpickling the postings kept inline (most terms): the records of the words not chosen are only
    counted, and their document frequency is in the record's fixed header."""
    terms = leaf._terms
    prefix = terms._keycoder(FIELD, b"")
    for key, record in terms._tindex.items_from(prefix):
        if not key.startswith(prefix):
            return
        yield key[len(prefix):], record


def _let_go(leaf) -> None:
    """Drop the pages of a segment's file that reading mapped into this process. Whoosh maps a compound segment
    file whole (filedb/compound.py) and the pages read stay in the process until its reader closes: reading the
    matrix touches most of the index (at 100k documents about 560 MB, on top of the matrix, at the ingest's
    peak). They stay in the page cache, so a later read maps them again without touching the disk."""
    source = getattr(getattr(leaf._storage, "a", None), "_source", None)  # OverlayStorage(CompoundStorage, …)
    if isinstance(source, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        source.madvise(mmap.MADV_DONTNEED)


def _docnums(leaf, info) -> np.ndarray:
    """One segment's docnums of a term (its record `info`), deleted passages included, ascending."""
    return record_postings(leaf._terms, info, leaf.schema[FIELD].format, values=False)[0]


def _groups(reader, size: int) -> np.ndarray:
    """docnum → an ordinal of its group_id (reposts share their original's)."""
    values = list(reader.column_reader("group_id"))  # a sortable column (index/engine/schema.py)
    seen: dict = {}
    return np.fromiter((seen.setdefault(value, len(seen)) for value in values), dtype=np.int64, count=size)


def generation(searcher) -> int:
    """The index generation the searcher reads: what the learned terms were computed from."""
    return searcher.reader().generation()
