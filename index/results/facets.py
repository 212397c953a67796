"""Facet counts for a result set: how many results per place, year, document type and source.

A result is a group: a document with its reposts (collapsed) or a single passage. The counts come from the
column arrays (index/engine/columns.py), so they cost a few vectorised operations however many passages match.
"""
from __future__ import annotations

import numpy as np

from index.engine.columns import Labels, Places, SearcherColumns

FACET_FIELDS = ("places", "year", "doc_type", "source")
UNKNOWN_YEAR = "未知"


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


def count_facets(columns: SearcherColumns, docnums: np.ndarray, collapse: bool) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per facet value over the results `docnums` (matching passages) fall into, and the number of results.

    Each result counts once, with the fields of its representative passage, so the single-valued facets
    (year, doc_type, source) add up to the total.
    """
    docs = representatives(columns, np.asarray(docnums, dtype=np.int64), collapse)
    counts = {"places": _count_places(columns.places, docs)}
    for name in ("year", "doc_type", "source"):
        counts[name] = _count(columns.values[name], docs, UNKNOWN_YEAR if name == "year" else None)
    return counts, len(docs)


def _ranked(pairs) -> dict:
    """Most frequent first; ties in order of first appearance, like Counter.most_common()."""
    return dict(sorted(pairs, key=lambda pair: -pair[1]))


def _count(column: Labels, docs: np.ndarray, missing: str | None) -> dict:
    codes = column.codes[docs]
    found = np.bincount(codes[codes >= 0], minlength=len(column.labels))
    pairs = [(column.labels[i], int(found[i])) for i in np.flatnonzero(found)]
    absent = int(np.count_nonzero(codes < 0))
    counts: dict = {}
    for label, count in pairs:  # the empty value (year "") is the unknown one
        key = (label or missing) if missing is not None else label
        counts[key] = counts.get(key, 0) + count
    if absent:
        counts[missing] = counts.get(missing, 0) + absent
    return _ranked(counts.items())


def _count_places(places: Places, docs: np.ndarray) -> dict:
    starts, ends = places.ptr[docs], places.ptr[docs + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return {}
    # The concatenated ranges [start, end) of every doc, without a Python loop.
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    found = np.bincount(places.ids[offsets], minlength=len(places.labels))
    return _ranked((places.labels[i], int(found[i])) for i in np.flatnonzero(found) if places.labels[i])
