"""One long-lived searcher per process, shared by every query and refreshed when the index changes.

Opening a Whoosh searcher reads each segment's term index into memory (34 ms per query on a 1k-document
index, growing with the index); the column arrays (index/engine/columns.py) cost more still. Both are now paid once
per index generation. Whoosh readers seek and read shared file objects, so one query at a time uses the
searcher: the lock is held while matching, not while the store dresses the hits. Under the GIL that costs
no throughput.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from whoosh.searching import Searcher

from index.engine.column_files import reader_columns
from index.engine.columns import SearcherColumns, SegmentColumns
from index.engine.documents import PassageBM25F
from index.engine.filtermask import FilterMasks
from index.engine.vectorized import FieldLengths

TERM_STATISTICS = 65_536  # (field, term) document frequencies remembered per searcher generation


class StatisticsSearcher(Searcher):
    """A Searcher that remembers the index-wide figures scorers ask for: a term's document frequency and a
    field's total length. They are fixed for a generation, yet every scorer (BM25F's idf and average length)
    asks the whole index for them again for each segment it scores, each answer a term lookup in every segment.
    Whoosh's own Searcher caches idf the same way (`_idf_cache`); scorers that read the counts bypass it.
    Whoosh makes the refreshed searcher and the per-segment ones of this class, each with its own memory."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.doc_frequency = lru_cache(maxsize=TERM_STATISTICS)(self.ixreader.doc_frequency)
        self._field_lengths: dict[str, int] = {}

    def field_length(self, fieldname):
        if self.has_parent():
            return self.get_parent().field_length(fieldname)
        length = self._field_lengths.get(fieldname)
        if length is None:
            length = self._field_lengths[fieldname] = self.ixreader.field_length(fieldname)
        return length


class FairLock:
    """A lock taken in the order it was asked for. `threading.Lock` lets the thread that releases it take it
    straight back while others wait, so with more connections than API workers a search can wait behind any
    number of later ones; in queue order a search waits at most for those that arrived before it."""

    def __init__(self):
        self._guard = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._held = False

    def __enter__(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # the releasing thread hands the lock over: it stays held

    def __exit__(self, *exc) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._held = False


def live_searcher(ix) -> StatisticsSearcher:
    return StatisticsSearcher(ix.reader(), fromindex=ix, weighting=PassageBM25F())


class LiveSearcher:
    def __init__(self, index):
        self._index = index  # index.engine.search_index.SearchIndex
        self._lock = FairLock()
        self._searcher: Searcher | None = None
        self._ix = None
        self._columns: SearcherColumns | None = None
        self._columns_generation: int | None = None
        self._segments: dict[str, SegmentColumns] = {}
        self.filters = FilterMasks()  # per-segment filter bitsets, used while holding
        self.lengths = FieldLengths()  # per-segment field lengths for vectorised scoring

    @contextmanager
    def holding(self) -> Iterator[LiveSearcher]:
        """Exclusive use of the searcher (and its columns) for one query."""
        with self._lock:
            yield self

    def current(self) -> Searcher:
        """The searcher, opened or refreshed to the index's latest generation (call while holding)."""
        ix = self._index.index
        if self._searcher is None or self._ix is not ix:  # first use, or the index was re-created (clear)
            self.close_searcher()
            self._searcher, self._ix = live_searcher(ix), ix
        elif not self._searcher.up_to_date():
            self._searcher = self._newer(self._searcher)
        return self._searcher

    def refresh(self) -> Searcher:
        """Move to the latest generation now (the visibility protocol asks for it when the store is ahead)."""
        if self._searcher is not None and not self._searcher.up_to_date():
            self._searcher = self._newer(self._searcher)
        return self.current()

    def _newer(self, searcher: Searcher) -> Searcher:
        """The latest generation, reusing the unchanged segments' readers. (Whoosh cannot refresh a searcher
        opened on an index without segments: its empty reader lists no segments to reuse.)"""
        if not searcher.reader().segments():
            searcher.close()
            return live_searcher(self._ix)
        return searcher.refresh()

    def columns(self) -> SearcherColumns:
        """Column arrays of the current searcher, built once per generation from per-segment caches."""
        searcher = self._searcher if self._searcher is not None else self.current()
        reader = searcher.reader()
        generation = reader.generation()
        if self._columns is None or self._columns_generation != generation:
            leaves = [leaf for leaf, _ in reader.leaf_readers()] if reader.doc_count_all() else []
            segments = {}
            for leaf in leaves:
                key = leaf.segment().segment_id()
                segments[key] = self._segments.get(key) or reader_columns(leaf)
            self._segments = segments  # forget merged-away segments
            self.lengths.keep(set(segments))
            self._columns = SearcherColumns([segments[leaf.segment().segment_id()] for leaf in leaves])
            self._columns_generation = generation
        return self._columns

    def close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher, self._ix, self._columns, self._columns_generation = None, None, None, None
        self._segments = {}
        self.filters.clear()
        self.lengths = FieldLengths()

    def close(self) -> None:
        with self._lock:
            self.close_searcher()
