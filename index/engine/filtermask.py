"""Filters as per-segment bitsets, applied to the matches instead of intersected with the query's matchers.

A filter that keeps most passages (on_topic, on by default; a document type) made Whoosh step an
intersection matcher for every match: about a fifth of a query's time. As a bitset it is one numpy
index. The bitset depends only on the filter and the segment (segments never change; a deletion only
removes matches, and the query's matchers already skip deleted passages), so it is kept per segment,
like a column, for the filters in recent use. A narrow filter (a place) stays in the query, where
Whoosh's skipping makes it cheap.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

from index.engine.vectorized import FieldLengths, evaluate

BROAD = 0.5  # a filter keeping at least this share of the passages is applied as a bitset
MAX_BYTES = 64 * 2**20  # bitsets kept (one byte per passage per filter), least recently used dropped first


class FilterMasks:
    def __init__(self, capacity: int = MAX_BYTES):
        self.capacity = capacity
        self._masks: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._bytes = 0

    def mask(self, searcher: Searcher, filter_query: q.Query, lengths: FieldLengths) -> np.ndarray:
        """Which of the searcher's docnums the filter keeps (matched as arrays: index/engine/vectorized.py)."""
        key = repr(filter_query)
        context = searcher.context()
        parts = []
        for subsearcher, _ in searcher.leaf_searchers():
            reader = subsearcher.reader()
            if not reader.doc_count_all():  # an index without segments: nothing to keep
                continue
            cache_key = (reader.segment().segment_id(), key)
            part = self._masks.get(cache_key)
            if part is None:
                part = np.zeros(reader.doc_count_all(), dtype=bool)
                part[evaluate(filter_query.matcher(subsearcher, context), reader, lengths)[0]] = True
                self._masks[cache_key] = part
                self._bytes += part.nbytes
                while self._bytes > self.capacity and len(self._masks) > 1:
                    self._bytes -= self._masks.popitem(last=False)[1].nbytes
            else:
                self._masks.move_to_end(cache_key)
            parts.append(part)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)

    def clear(self) -> None:
        self._masks.clear()
        self._bytes = 0


def is_broad(mask: np.ndarray) -> bool:
    return len(mask) > 0 and np.count_nonzero(mask) >= BROAD * len(mask)
