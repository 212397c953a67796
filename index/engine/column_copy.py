"""A merged segment's per-document part (stored fields, field lengths, sortable columns) copied as bytes.

Whoosh's merge (`SegmentWriter.write_per_doc`) copies each document of a segment one by one: its stored fields
unpickled, pickled again and compressed again, each field's length byte read and written back, each column value
read and added. In a merge where a segment has no deletions its documents keep their order, so every column of
the new segment continues with the source column's bytes as they are: the data appended in one write, the
per-document lengths and offsets of a variable-length column extended as arrays. What readers get is what
Whoosh's copy gives (tests/test_segment_merge.py): the same stored fields (a stored dict keeps its keys in the
order they were written, where Whoosh's copy re-orders them), length bytes, column values and field length totals.
"""
from __future__ import annotations

from array import array

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, _lenfield
from whoosh.columns import CompressedBytesColumn, FixedBytesColumn, VarBytesColumn, WrappedColumnWriter
from whoosh.util.numeric import byte_to_length

STORED = "_stored"
_COPIED = (VarBytesColumn, CompressedBytesColumn, FixedBytesColumn)  # columns laid out as values then lengths, or fixed
# A length byte's length, as Whoosh's reader gives it (byte 0: no length, nothing added to the field's total).
_LENGTH_OF_BYTE = np.array([byte_to_length(value) if value else 0 for value in range(256)], dtype=np.int64)


def append_columns(writer, reader, fieldnames: set[str]) -> bool:
    """Append the documents of `reader` (a segment reader) to `writer`'s new segment as `write_per_doc` would,
    for the fields `fieldnames`; False, with nothing written, where the segment has deletions (its documents
    are renumbered: Whoosh's copy) or a column of a kind this does not copy."""
    if reader.has_deletions():
        return False
    schema, source = writer.schema, reader._perdoc
    columns = [(STORED, STORED_COLUMN)]
    for fieldname in sorted(fieldnames):
        columns.append((_lenfield(fieldname), LENGTHS_COLUMN))
        if schema[fieldname].column_type:
            columns.append((fieldname, schema[fieldname].column_type))
    present = [(name, column) for name, column in columns if source.has_column(name)]
    if not all(isinstance(_raw(column), _COPIED) for _, column in present):
        return False
    if any(schema[name].vector for name in fieldnames):
        return False
    count, base, target = reader.doc_count_all(), writer.docnum, writer.perdocwriter
    for name, column in present:
        if not target._has_column(name):
            target._create_column(name, column)
        _append(_raw_writer(target._get_column(name)), source.column_reader(name, _raw(column)), base, count)
    for fieldname in fieldnames:
        lengths = source._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if lengths is not None and lengths._count:
            data = np.frombuffer(lengths._dbfile.get(lengths._basepos, lengths._count), dtype=np.uint8)
            target._fieldlengths[fieldname] += int(_LENGTH_OF_BYTE[data].sum())
    target._doccount += count
    writer.docnum += count
    return True


def _raw(column):
    """The column whose bytes are on disk (a pickle column stores its values through another)."""
    return getattr(column, "_child", column)


def _raw_writer(columnwriter):
    return columnwriter._child if isinstance(columnwriter, WrappedColumnWriter) else columnwriter


def _append(target, source, base: int, count: int) -> None:
    """One source column (its raw reader) after the `base` documents the target column holds."""
    if isinstance(source, VarBytesColumn.Reader):
        total = int(sum(source._lengths))
        target.fill(base)
        if total:
            target._dbfile.write(source._dbfile.get(source._basepos, total))
        _extend(target._lengths, source._lengths.tolist())
        offset = target._offset_base
        _extend(target._offsets, [offset + value for value in source._offsets])
        target._offset_base = offset + total
        target._count = base + count
    elif source._count:  # a fixed-width column: its values up to the last one that is not the default
        target.fill(base)
        target._dbfile.write(source._dbfile.get(source._basepos, source._count * source._fixedlen))
        target._count = base + source._count


def _extend(growable, values: list) -> None:
    """GrowableArray.extend without a Python call per value, where the values fit its current type."""
    if isinstance(growable.array, array):
        try:
            growable.array.fromlist(values)  # all or nothing: an error leaves the array as it was
            return
        except OverflowError:
            pass
    growable.extend(values)  # retypes the array as a value needs
