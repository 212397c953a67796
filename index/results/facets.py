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


def _ranked(labels: list[str], found: np.ndarray, wanted: np.ndarray | None = None) -> dict:
    """{label: count} of the labels counted (or of `wanted` among them), most frequent first; ties in label
    order, like Counter.most_common(). Sorted as arrays: a facet with one value per document (the source file)
    has as many values as the results, and a Python sort of those was most of the facets' time."""
    present = np.flatnonzero(found) if wanted is None else wanted
    order = present[np.argsort(-found[present], kind="stable")]
    return dict(zip([labels[i] for i in order], found[order].tolist(), strict=True))


def _count(column: Labels, docs: np.ndarray, missing: str | None) -> dict:
    codes = column.codes[docs]
    found = np.bincount(codes[codes >= 0], minlength=len(column.labels))
    absent = int(np.count_nonzero(codes < 0))
    if missing is None and not absent:
        return _ranked(column.labels, found)
    counts: dict = {}  # the year (few values): the empty value ("") is the unknown one, as are passages without one
    for i in np.flatnonzero(found).tolist():
        key = (column.labels[i] or missing) if missing is not None else column.labels[i]
        counts[key] = counts.get(key, 0) + int(found[i])
    if absent:
        counts[missing] = counts.get(missing, 0) + absent
    return dict(sorted(counts.items(), key=lambda pair: -pair[1]))


def _count_places(places: Places, docs: np.ndarray) -> dict:
    starts, ends = places.ptr[docs], places.ptr[docs + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return {}
    # The concatenated ranges [start, end) of every doc, without a Python loop.
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    found = np.bincount(places.ids[offsets], minlength=len(places.labels))
    named = [i for i in np.flatnonzero(found).tolist() if places.labels[i]]
    return _ranked(places.labels, found, np.array(named, dtype=np.int64))
