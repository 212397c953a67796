"""A Whoosh list matcher whose (id, score) list is computed the first time Whoosh steps it.

Phrases and pooled BM25F words are evaluated as arrays (index/engine/vectorized.py reads them while
`materialised` is False, so a filter or an intersection can skip posting blocks it does not need); when some
caller steps the matcher the Whoosh way instead, the whole list is computed from the same evaluation first, so
both paths read the same floats.
"""
from __future__ import annotations

from array import array

import numpy as np
from whoosh.matching.mcore import ListMatcher


class LazyListMatcher(ListMatcher):
    """Subclasses give `_compute()`: every id of the segment the matcher matches, ascending, with its score."""

    def __init__(self):
        super().__init__([], weights=array("d"))
        self.materialised = False

    def _compute(self) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _materialise(self) -> None:
        if not self.materialised:
            ids, scores = self._compute()
            self._ids, self._weights, self._i = ids.tolist(), array("d", scores.tolist()), 0
            self.materialised = True

    def is_active(self):
        self._materialise()
        return super().is_active()

    def id(self):
        self._materialise()
        return super().id()

    def next(self):
        self._materialise()
        return super().next()

    def skip_to(self, id):
        self._materialise()
        return super().skip_to(id)

    def score(self):
        self._materialise()
        return super().score()

    def weight(self):
        self._materialise()
        return super().weight()

    def all_ids(self):
        self._materialise()
        return super().all_ids()

    def copy(self):
        self._materialise()
        return super().copy()

    def replace(self, minquality=0):
        self._materialise()
        return super().replace(minquality)

    def supports_block_quality(self):
        return False
