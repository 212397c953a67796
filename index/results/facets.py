"""Facet counts for a result set: how many results per place, year, document type and source.

A result is a group: a document with its reposts (collapsed) or a single passage. The counts come from the
column arrays (index/engine/columns.py), so they cost a few vectorised operations however many passages match.
Each facet lists its FACET_VALUES most frequent values; how many more it has is counted apart (`omitted`).
"""
from __future__ import annotations

import numpy as np

from index.engine.columns import Labels, Places, SearcherColumns

FACET_FIELDS = ("places", "year", "doc_type", "source")
UNKNOWN_YEAR = "未知"
# Values listed per facet. The source facet has one value per matching document: at 10k documents a common word
# listed 9,618 sources, 200 KB of JSON in every answer (most of the API's time), and more with every document.
FACET_VALUES = 100


def representatives(columns: SearcherColumns, docnums: np.ndarray, collapse: bool) -> np.ndarray:
    """One docnum per result: of each group's matching passages, the first (lowest docnum) of its canonical
    document where that matched, else the first one. Without collapsing every passage is its own result."""
    if not collapse:
        return np.unique(docnums)
    groups = columns.groups.codes[docnums]
    order = np.lexsort((docnums, ~columns.canonical[docnums], groups))
    ordered = groups[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return docnums[order[first]]


def count_facets(columns: SearcherColumns, docnums: np.ndarray, collapse: bool, limit: int | None = FACET_VALUES
                 ) -> tuple[dict[str, dict[str, int]], int, dict[str, int]]:
    """Counts per facet value over the results `docnums` (matching passages) fall into, the number of results,
    and per facet how many values were left out past the `limit` most frequent (None: list every value).

    Each result counts once, with the fields of its representative passage, so the single-valued facets
    (year, doc_type, source) add up to the total when nothing is left out.
    """
    docs = representatives(columns, np.asarray(docnums, dtype=np.int64), collapse)
    counts, omitted = {}, {}
    counts["places"], omitted["places"] = _count_places(columns.places, docs, limit)
    for name in ("year", "doc_type", "source"):
        counts[name], omitted[name] = _count(columns.values[name], docs, UNKNOWN_YEAR if name == "year" else None,
                                             limit)
    return counts, len(docs), omitted


def _ranked(labels: list[str], found: np.ndarray, wanted: np.ndarray, limit: int | None) -> tuple[dict, int]:
    """({label: count} of the `limit` most frequent `wanted` labels, ties in label order like
    Counter.most_common(); how many were left out). Chosen as arrays: a facet with one value per document
    has as many values as the results, and a Python sort of those was most of the facets' time."""
    order = wanted[np.lexsort((wanted, -found[wanted]))]
    shown = order if limit is None else order[:limit]
    return dict(zip([labels[i] for i in shown], found[shown].tolist(), strict=True)), len(order) - len(shown)


def _count(column: Labels, docs: np.ndarray, missing: str | None, limit: int | None) -> tuple[dict, int]:
    codes = column.codes[docs]
    found = np.bincount(codes[codes >= 0], minlength=len(column.labels))
    absent = int(np.count_nonzero(codes < 0))
    if missing is None and not absent:
        return _ranked(column.labels, found, np.flatnonzero(found), limit)
    counts: dict = {}  # the year (few values): the empty value ("") is the unknown one, as are passages without one
    for i in np.flatnonzero(found).tolist():
        key = (column.labels[i] or missing) if missing is not None else column.labels[i]
        counts[key] = counts.get(key, 0) + int(found[i])
    if absent:
        counts[missing] = counts.get(missing, 0) + absent
    ordered = sorted(counts.items(), key=lambda pair: -pair[1])
    shown = ordered if limit is None else ordered[:limit]
    return dict(shown), len(ordered) - len(shown)


def _count_places(places: Places, docs: np.ndarray, limit: int | None) -> tuple[dict, int]:
    starts, ends = places.ptr[docs], places.ptr[docs + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return {}, 0
    # The concatenated ranges [start, end) of every doc, without a Python loop.
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    found = np.bincount(places.ids[offsets], minlength=len(places.labels))
    named = [i for i in np.flatnonzero(found).tolist() if places.labels[i]]
    return _ranked(places.labels, found, np.array(named, dtype=np.int64), limit)
