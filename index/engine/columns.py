"""Per-document values for facets, collapsing and date order, as numpy arrays indexed by docnum.

Reading stored fields costs a Python dict per matching passage on every query; these arrays are built once
per segment (segments never change, only their deletions, and deleted passages never match) and combined
once per searcher generation, so a query's facets and collapsing are a few vectorised operations.

Single-valued fields become an ordinal per docnum (-1: no value) into a label list; the multi-valued
`places` becomes a CSR table (docnum → place ordinals). group_id, doc_id and date come from their sortable
columns; the small-vocabulary fields from their postings.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.engine.vectorized import record_postings

VALUE_FIELDS = ("year", "doc_type", "source")  # single-valued, read from postings
PLACES = "places"


@dataclass
class Labels:
    """An ordinal per docnum (-1 for none) and what each ordinal stands for."""

    codes: np.ndarray
    labels: list[str]


@dataclass
class Places:
    """CSR: the place ordinals of docnum d are ids[ptr[d]:ptr[d + 1]]."""

    ptr: np.ndarray
    ids: np.ndarray
    labels: list[str]


@dataclass
class SegmentColumns:
    size: int
    groups: Labels
    canonical: np.ndarray  # bool: the passage belongs to its group's canonical document (doc_id == group_id)
    dates: Labels
    values: dict[str, Labels]
    places: Places


def _ordinals(values: list, size: int) -> Labels:
    seen: dict = {}
    codes = np.fromiter((seen.setdefault(value, len(seen)) for value in values), dtype=np.int32, count=size)
    labels = [label.decode("utf-8") if isinstance(label, bytes) else label for label in seen]
    return Labels(codes, labels)


def _column(reader, name: str) -> list:
    """A sortable field's value per docnum (raw bytes), or the stored value where the field has no column."""
    if reader.has_column(name):
        return list(reader.column_reader(name, translate=False))
    return [(reader.stored_fields(docnum).get(name) or "") for docnum in range(reader.doc_count_all())]


def _postings(reader, name: str) -> tuple[list[str], list[np.ndarray]]:
    """Each term of the field with its docnums (deleted passages may be included: they never match, so their
    values are never looked up). The term table is walked in order with each term's record, rather than asked
    for every term by key; a record keeping its postings inline gives them without a matcher, and a long list is
    read a block at a time, bypassing the query caches (the source field has a value per document)."""
    terms, postings = [], []
    table, from_bytes, field_format = reader._terms, reader.schema[name].from_bytes, reader.schema[name].format
    for (fieldname, btext), info in table.items_from(name, b""):
        if fieldname != name:
            break
        terms.append(from_bytes(btext))
        postings.append(record_postings(table, info, field_format, values=False)[0])
    return terms, postings


def _single(reader, name: str, size: int) -> Labels:
    codes = np.full(size, -1, dtype=np.int32)
    terms, postings = _postings(reader, name)
    for ordinal, ids in enumerate(postings):
        codes[ids] = ordinal
    return Labels(codes, terms)


def _multi(reader, name: str, size: int) -> Places:
    terms, postings = _postings(reader, name)
    docs = np.concatenate(postings) if postings else np.zeros(0, dtype=np.int64)
    ids = np.repeat(np.arange(len(terms), dtype=np.int32), [len(p) for p in postings])
    order = np.argsort(docs, kind="stable")
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=size), out=ptr[1:])
    return Places(ptr, ids[order], terms)


def segment_columns(reader) -> SegmentColumns:
    """The arrays of one segment reader (docnums relative to the segment)."""
    size = reader.doc_count_all()
    group_values = _column(reader, "group_id")
    doc_values = _column(reader, "doc_id")
    canonical = np.fromiter((g == d for g, d in zip(group_values, doc_values)), dtype=bool, count=size)
    return SegmentColumns(
        size=size,
        groups=_ordinals(group_values, size),
        canonical=canonical,
        dates=_ordinals(_column(reader, "date"), size),
        values={name: _single(reader, name, size) for name in VALUE_FIELDS},
        places=_multi(reader, PLACES, size),
    )


class Vocabulary:
    """Global ordinals for labels met segment by segment."""

    def __init__(self):
        self.index: dict[str, int] = {}

    def remap(self, labels: list[str]) -> np.ndarray:
        """local ordinal → global ordinal, with one extra slot so that -1 (no value) stays -1."""
        table = np.fromiter((self.index.setdefault(label, len(self.index)) for label in labels), dtype=np.int32,
                            count=len(labels))
        return np.append(table, np.int32(-1))

    @property
    def labels(self) -> list[str]:
        return list(self.index)


def _combine(parts: list[Labels]) -> Labels:
    vocabulary = Vocabulary()
    codes = [vocabulary.remap(part.labels)[part.codes] for part in parts]
    return Labels(np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32), vocabulary.labels)


class SearcherColumns:
    """The segments' arrays joined in the searcher's docnum order (segment offsets), labels made global."""

    def __init__(self, segments: list[SegmentColumns]):
        self.size = sum(segment.size for segment in segments)
        self.groups = _combine([segment.groups for segment in segments])
        self.canonical = np.concatenate([s.canonical for s in segments]) if segments else np.zeros(0, dtype=bool)
        self.values = {name: _combine([segment.values[name] for segment in segments]) for name in VALUE_FIELDS}
        dates = _combine([segment.dates for segment in segments])
        # Date order: the rank of each date string (empty dates rank lowest, as in a string sort).
        ranks = np.argsort(np.argsort(np.array(dates.labels, dtype=object))) if dates.labels else np.zeros(0)
        self.date_rank = np.append(ranks.astype(np.int32), np.int32(-1))[dates.codes]
        places = Vocabulary()
        pointers, ids, base = [np.zeros(1, dtype=np.int64)], [], 0
        for segment in segments:
            pointers.append(segment.places.ptr[1:] + base)
            ids.append(places.remap(segment.places.labels)[segment.places.ids])
            base += len(segment.places.ids)
        self.places = Places(np.concatenate(pointers), np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32),
                             places.labels)
