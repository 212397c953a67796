"""Merging index segments term by term, their postings read and written as arrays.

Whoosh merges a segment (`SegmentWriter.add_reader`) by reading every posting back as a Python tuple, adding it
to the writer's pool, sorting the pool and writing it posting by posting: at 10k documents this was most of the
ingest writer's CPU (merges grow as n log n with the corpus, index/engine/merging.py). A merge only appends whole
segments in order, though, so each term's postings are already in document order within each segment: here a
term's postings are read from each segment as arrays (whole posting blocks, or the few postings a term record
keeps inline), their document numbers shifted (or mapped past deleted documents), concatenated, and handed to
the codec's postings writer a block at a time (index/engine/codec.py `write_terms`). Where a segment has deletions,
the blocks are cut and encoded by Whoosh's own writer, so the segment is the one Whoosh's merge writes
(tests/test_segment_merge.py compares them posting by posting).

A term whose segments have no deletions moves its full posting blocks as bytes, their ids shifted by a base in
the block's header (index/engine/codec.py `BlockMatcher`, `write_merged`): only a segment's short last block and
inline postings are decoded and written again. Its blocks then differ from Whoosh's merge, where they meet; its
postings and statistics do not.

Stored fields, field lengths and columns of a segment without deletions are appended as bytes
(index/engine/column_copy.py); those of a segment with deletions are copied by Whoosh (`write_per_doc`), one step
per document.
"""
from __future__ import annotations

import heapq
import itertools
import operator

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.reading import SegmentReader

from index.engine.codec import (
    MergedTerm,
    inline_postings,
    is_inline_record,
    length_bytes,
    merged_statistics,
    raw_blocks,
    shifted_record,
    term_table_rows,
    write_terms,
)
from index.engine.column_copy import append_columns
from index.engine.vectorized import record_postings


class _Source:
    """One segment being merged: its reader, and where its live documents land in the new segment."""

    def __init__(self, reader: SegmentReader, base: int, docmap: dict[int, int] | None):
        self.reader = reader
        self.terms = reader._terms
        self.shift = base if docmap is None else None  # every document moves up by this much (no deletions)
        if docmap is None:  # no deletions: documents keep their order, shifted by `base`
            self.new_ids = base + np.arange(reader.doc_count_all(), dtype=np.int64)
        else:
            self.new_ids = np.full(reader.doc_count_all(), -1, dtype=np.int64)
            self.new_ids[np.fromiter(docmap.keys(), dtype=np.int64)] = np.fromiter(docmap.values(), dtype=np.int64)
        self.new_id_list = self.new_ids.tolist()
        self._lengths: dict[str, bytes] = {}
        self._length_arrays: dict[str, np.ndarray] = {}

    def length_bytes(self, fieldname: str) -> bytes:
        """The field's length byte per document of this segment (0: none)."""
        if fieldname not in self._lengths:
            found = length_bytes(self.reader._perdoc, fieldname) or b""
            count = self.reader.doc_count_all()
            self._lengths[fieldname] = found[:count].ljust(count, b"\0")
        return self._lengths[fieldname]

    def length_array(self, fieldname: str) -> np.ndarray:
        if fieldname not in self._length_arrays:
            self._length_arrays[fieldname] = np.frombuffer(self.length_bytes(fieldname), dtype=np.uint8)
        return self._length_arrays[fieldname]

    def postings(self, terminfo, format_) -> tuple[np.ndarray, np.ndarray, list]:
        """(ids in this segment, weights, values) of one term."""
        return record_postings(self.terms, terminfo, format_, values=True)


def merge_segments(writer, segments: list, storage=None) -> bool:
    """Append `segments` (in order, read from `storage`, by default the writer's) to the writer's new segment:
    documents, then postings term by term.

    False, with nothing done, where the fast path does not apply: the writer holds documents of its own (only
    merge-only commits, as ingest's adopt and compact are, take it), or a segment's terms are not ordered by field
    name (Whoosh numbers a segment's fields in the order it writes them, which is sorted)."""
    if writer._added or writer.docnum:
        return False
    readers = [SegmentReader(storage or writer.storage, writer.schema, segment) for segment in segments]
    try:
        if not all(_fields_in_order(reader) for reader in readers):
            return False
        sources = []
        for reader in readers:
            fieldnames = set(writer.schema.names()) | {name for name in reader.indexed_field_names()
                                                       if name in writer.schema}
            base = writer.docnum
            docmap = None if append_columns(writer, reader, fieldnames) else writer.write_per_doc(fieldnames, reader)
            sources.append(_Source(reader, base, docmap))
        writer._added = True
        _write_postings(writer, sources)
        return True
    finally:
        for reader in readers:
            reader.close()


def _fields_in_order(reader: SegmentReader) -> bool:
    fieldmap = reader._terms._fieldmap
    return sorted(fieldmap) == sorted(fieldmap, key=fieldmap.get)


def _terms(sources: list[_Source]):
    """((fieldname, btext), [(source, term record bytes), ...]) over the union of the segments' terms, in order.
    The records stay bytes: most are inline ones that move unread (`_term_postings`). Where the segments number
    their fields alike (almost always: a batch has every field), their rows merge by their keys as stored (the
    field's number, in name order, then the term), and a key is named once per term rather than once per row."""
    streams = [term_table_rows(source.terms._tindex, position) for position, source in enumerate(sources)]
    unmaps = [source.terms._fieldunmap for source in sources]
    if any(unmap != unmaps[0] for unmap in unmaps):
        streams = [_named_rows(stream, unmap) for stream, unmap in zip(streams, unmaps, strict=True)]
    names = unmaps[0]
    for key, group in itertools.groupby(heapq.merge(*streams), key=operator.itemgetter(0)):
        if type(key) is bytes:
            key = (names[key[0] << 8 | key[1]], key[2:])
        yield key, [(sources[position], record) for _, position, record in group]


def _named_rows(rows, unmap):
    """A segment's rows keyed by (field name, term): segments that number their fields differently."""
    return (((unmap[key[0] << 8 | key[1]], key[2:]), position, record) for key, position, record in rows)


def _write_postings(writer, sources: list[_Source]) -> None:
    schema = writer.schema
    write_terms(writer.fieldwriter, schema, ((fieldname, btext, _term_postings(found, fieldname, schema))
                                             for (fieldname, btext), found in _terms(sources) if fieldname in schema))


def _term_postings(found: list, fieldname: str, schema):
    """A term's postings in the merged segment; for a term of one segment without deletions whose record keeps
    its postings inline (most terms: names, numbers, rare bigrams), the record itself, its ids moved."""
    if len(found) == 1:
        source, record = found[0]
        if source.shift is not None and is_inline_record(record):
            return shifted_record(record, source.shift)
    if all(is_inline_record(record) for _, record in found):
        return _inline_postings(found, fieldname)
    if all(source.shift is not None for source, _ in found):
        return _copied_postings(found, fieldname)
    return _block_postings([(source, W3TermInfo.from_bytes(record)) for source, record in found], fieldname,
                           schema[fieldname].format)


def _copied_postings(found: list, fieldname: str) -> MergedTerm:
    """A term of segments without deletions, at least one of them with posting blocks: its statistics from the
    term records, its blocks handed on as stored (copied if full: index/engine/codec.py `write_merged`)."""
    parts = []
    for source, record in found:
        if is_inline_record(record):
            parts.append(_inline_postings([(source, record)], fieldname))
            continue
        length_bytes = source.length_bytes(fieldname)
        parts.extend((block, source.shift, length_bytes)
                     for block in raw_blocks(source.terms._postfile, W3TermInfo.from_bytes(record)))
    return MergedTerm(merged_statistics([(record, source.shift) for source, record in found]), parts)


def _inline_postings(found: list, fieldname: str) -> tuple[list, list, list, list]:
    """(new ids, weights, values, length bytes) of a term whose records keep their postings inline, as lists:
    for a handful of postings, arrays cost more than they save."""
    ids, weights, values, lengths = [], [], [], []
    for source, record in found:
        old_ids, old_weights, old_values = inline_postings(record)
        new_ids, length_bytes = source.new_id_list, source.length_bytes(fieldname)
        if source.shift is not None:  # no deletions: every posting stays, its id moved
            ids.extend(map(new_ids.__getitem__, old_ids))
            weights.extend(old_weights)
            values.extend(old_values or itertools.repeat(None, len(old_ids)))
            lengths.extend(map(length_bytes.__getitem__, old_ids))
            continue
        for position, old in enumerate(old_ids):
            if (new := new_ids[old]) >= 0:
                ids.append(new)
                weights.append(old_weights[position])
                values.append(old_values[position] if old_values else None)
                lengths.append(length_bytes[old])
    return ids, weights, values, lengths


def _block_postings(found: list, fieldname: str, format_) -> tuple[list, list, list, list]:
    """The same for a term with posting blocks: mapped as arrays, handed on as lists."""
    ids, weights, values, lengths = [], [], [], []
    for source, terminfo in found:
        old_ids, old_weights, old_values = source.postings(terminfo, format_)
        new_ids = source.new_ids[old_ids]
        live = new_ids >= 0
        everything = live.all()
        ids.append(new_ids if everything else new_ids[live])
        weights.append(old_weights if everything else old_weights[live])
        values.extend(old_values if everything else itertools.compress(old_values, live))
        lengths.append(source.length_array(fieldname)[old_ids if everything else old_ids[live]])
    return (np.concatenate(ids).tolist(), np.concatenate(weights).tolist(), values,
            np.concatenate(lengths).tolist())
