"""The index read back as a passage × word matrix, for learning which words occur together (related terms).

The index already holds every passage's words (the `body` postings), so learning from the corpus costs one pass
over the postings of the words worth relating — no passage is segmented again. Passages are rows (their docnum),
words columns; a passage's document group (a repost and its original are one group) comes from the sortable
`group_id` column, so evidence is counted per document, not per copy.
"""
from __future__ import annotations

import mmap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from whoosh.codec.whoosh3 import W3TermInfo

from index.engine.codec import record_doc_frequency
from index.engine.vectorized import record_postings

FIELD = "body"


@dataclass
class TermMatrix:
    words: list[str]  # column → word
    passages: sparse.csr_matrix  # passage (docnum) × word, 1 where the passage holds the word
    groups: np.ndarray  # docnum → document group ordinal
    total: int  # passages in the index (deleted ones excluded)


def term_matrix(searcher, wanted: Callable[[str], bool], min_passages: int, max_passages: int) -> TermMatrix:
    """The words of `body` that `wanted` accepts and that between `min_passages` and `max_passages` passages hold.

    Read segment by segment, each word's passages as arrays a posting block at a time (index/engine/vectorized.py),
    straight into the matrix's columns. Whoosh's own reader of several segments looks every term up in every
    segment, and its matcher steps posting by posting: most of what learning cost, in the one process an ingest
    waits on at its end; and a (docnum, column) pair per entry took five times the matrix's memory. Each
    segment's pages are let go once read (_let_go)."""
    reader = searcher.reader()
    leaves = list(reader.leaf_readers())
    size = reader.doc_count_all()
    groups = _groups(reader, size)
    frequencies: dict[bytes, int] = {}  # passages holding the term, deleted ones included, as Whoosh counts
    for leaf, _ in leaves:
        for term, record in _records(leaf):
            frequencies[term] = frequencies.get(term, 0) + record_doc_frequency(record)
        _let_go(leaf)
    chosen = {term: [] for term in sorted(frequencies)  # Whoosh's term order: by bytes
              if min_passages <= frequencies[term] <= max_passages and wanted(_word(term))}
    del frequencies
    for leaf, offset in leaves:
        deleted = np.fromiter(leaf.deleted_docs_set, dtype=np.int64) if leaf.has_deletions() else None
        for term, record in _records(leaf):
            if term in chosen:
                ids = _docnums(leaf, W3TermInfo.from_bytes(record))
                if deleted is not None and len(ids):
                    ids = ids[~np.isin(ids, deleted)]
                chosen[term].append((ids + offset).astype(np.int32))
        _let_go(leaf)
    words: list[str] = []
    columns: list[np.ndarray] = []  # per word, the docnums of its passages, ascending
    for term, parts in chosen.items():
        ids = np.concatenate(parts)
        if len(ids) >= min_passages:  # deletions may have taken some
            words.append(_word(term))
            columns.append(ids)
    del chosen
    indptr = np.zeros(len(columns) + 1, dtype=np.int64)
    np.cumsum([len(ids) for ids in columns], out=indptr[1:])
    docnums = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int32)
    del columns
    by_word = sparse.csc_matrix((np.ones(len(docnums), dtype=np.int32), docnums, indptr), shape=(size, len(words)))
    return TermMatrix(words, by_word.tocsr(), groups, reader.doc_count())


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
