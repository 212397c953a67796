"""Decoded posting blocks of the terms searches keep reading, kept within a memory budget.

Whoosh stores a posting block as a zlib-compressed pickle of three tuples (ids, weights, positions); reading
one back means decompressing and unpickling it, and a query reads every block of each of its words. Questions
in this domain share their common words (物业, 小区, 社区, 业主), whose posting lists are the longest, so searches
spent much of their CPU decoding the same blocks again (docs/query-performance.md measures what keeping them
saves on questions that never repeat). Here a decoded block
is kept, keyed by its place in its segment's postings file, least recently used first out once the budget is
spent. Segment files never change once written, so an entry cannot go stale; an entry whose file was closed
(its segment merged away) is never asked for again and ages out.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

BUDGET_BYTES = 96 * 2**20  # per process: a few hundred thousand postings of the most asked-for words
_ENTRY_OVERHEAD = 200  # bytes of the entry's tuples, arrays and key beside their contents


class FileCache:
    """Values derived from immutable segment files, keyed by (file, any hashable place in it), least recently used
    out past the budget. The file is held weakly: an entry whose file was closed is never served for another file
    opened at the same address."""

    def __init__(self, budget_bytes: int):
        self.budget = budget_bytes
        self.size = 0
        self._entries: OrderedDict[tuple[int, object], tuple] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, file, offset):
        """The value kept for (file, offset), or None."""
        with self._lock:
            entry = self._entries.get((id(file), offset))
            if entry is None or entry[0]() is not file:
                return None
            self._entries.move_to_end((id(file), offset))
            return entry[1]

    def get(self, file, offset, make: Callable[[], tuple[object, int]]):
        """The value kept for (file, offset), or `make()`'s (value, its size in bytes), kept."""
        key = (id(file), offset)
        known = self.peek(file, offset)
        if known is not None:
            return known
        value, size = make()
        entry = (weakref.ref(file), value, _ENTRY_OVERHEAD + size)
        with self._lock:
            stale = self._entries.pop(key, None)  # another file's value (or a racing reader's copy)
            if stale is not None:
                self.size -= stale[-1]
            self._entries[key] = entry
            self.size += entry[-1]
            while self.size > self.budget and self._entries:
                self.size -= self._entries.popitem(last=False)[1][-1]
        return value


class BlockCache(FileCache):
    def __init__(self, budget_bytes: int = BUDGET_BYTES):
        super().__init__(budget_bytes)

    def block(self, matcher) -> tuple[np.ndarray, np.ndarray, tuple]:
        """(ids, weights as float64, Whoosh's decoded data tuple) of a W3LeafMatcher's current block."""
        def make():
            ids, weights, data = decode(matcher)
            return (ids, weights, data), ids.nbytes + weights.nbytes + _values_bytes(data[2])

        return self.get(matcher._postfile, matcher._dataoffset, make)


def decode(matcher) -> tuple[np.ndarray, np.ndarray, tuple]:
    """The current block, decoded: ids as Whoosh's delta_decode gives them (one cumulative sum) plus the block's id
    base (a block a merge copied, index/engine/codec.py `BlockMatcher`), weights as `block_weights` gives them, and
    the data tuple for the values."""
    if matcher._data is None:
        matcher._read_data()
    data = matcher._data
    ids = np.cumsum(np.asarray(data[0], dtype=np.int64))
    base = getattr(matcher, "_idbase", 0)
    if base:
        ids += base
    weights = block_weights(matcher)
    ids.flags.writeable = weights.flags.writeable = False  # shared by every later reader of the block
    return ids, weights, data


def block_weights(matcher) -> np.ndarray:
    """The current block's weights as W3LeafMatcher._read_weights gives them (float32, widened), without its
    per-posting loop when the block stores one weight for all (None: 1.0)."""
    if matcher._data is None:
        matcher._read_data()
    weights = matcher._data[1]
    if weights is None or isinstance(weights, float):
        return np.full(matcher._blocklength, 1.0 if weights is None else weights, dtype=np.float32).astype(np.float64)
    return np.asarray(weights, dtype=np.float64)


def _values_bytes(values) -> int:
    if isinstance(values, tuple):
        return 40 * len(values) + sum(map(len, values))
    return len(values) if isinstance(values, bytes) else 0


CACHE = BlockCache()
