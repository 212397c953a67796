"""A segment's column arrays (index/engine/columns.py) saved beside its files when the segment is written.

Building them from a segment's postings and sortable columns took 9.8 of the 11.2 s of the first search on the
100k bench index (794k passages): every server start paid it, once per segment, before answering. Segments never
change once written (only their deletions, and deleted passages never match), so the writer that makes a segment
saves its arrays at the same time: ingest's workers when they stage one (index/engine/staging.py), any other
writer when it commits (`ColumnsWriter`), which also covers merged segments and the segments of an index written
before these files existed. Readers only load; a segment without a readable file has its arrays built from its
postings as before, in memory, so reading never writes.

The file is named after the segment and the format (`<segment id>.cols1`), so Whoosh moves and deletes it with the
segment's own files: `Segment.list_files` lists it (staging's move into the index folder), and the clean-up after
each commit removes it once no table of contents lists its segment. A new format gets a new name: files of the
old one are ignored, and go with their segments.
"""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from index.engine.columns import VALUE_FIELDS, Labels, Places, SegmentColumns, segment_columns

FORMAT = 1  # bump when SegmentColumns changes
COLUMNS_EXT = f".cols{FORMAT}"


def columns_name(segment) -> str:
    return segment.make_filename(COLUMNS_EXT)


def _labels_bytes(labels: list[str]) -> np.ndarray:
    return np.frombuffer(json.dumps(labels, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _labels(array: np.ndarray) -> list[str]:
    return json.loads(array.tobytes().decode("utf-8"))


def _arrays(columns: SegmentColumns) -> dict[str, np.ndarray]:
    arrays = {"size": np.array([columns.size], dtype=np.int64), "canonical": columns.canonical,
              "places.ptr": columns.places.ptr, "places.ids": columns.places.ids,
              "places.labels": _labels_bytes(columns.places.labels)}
    for name, labels in (("groups", columns.groups), ("dates", columns.dates),
                         *((f"values.{field}", columns.values[field]) for field in VALUE_FIELDS)):
        arrays[f"{name}.codes"] = labels.codes
        arrays[f"{name}.labels"] = _labels_bytes(labels.labels)
    return arrays


def _columns(arrays) -> SegmentColumns:
    def labels(name: str) -> Labels:
        return Labels(arrays[f"{name}.codes"], _labels(arrays[f"{name}.labels"]))

    return SegmentColumns(
        size=int(arrays["size"][0]), groups=labels("groups"), canonical=arrays["canonical"], dates=labels("dates"),
        values={field: labels(f"values.{field}") for field in VALUE_FIELDS},
        places=Places(arrays["places.ptr"], arrays["places.ids"], _labels(arrays["places.labels"])))


def save_columns(storage, segment, schema) -> None:
    """Build a finished segment's arrays from its postings and save them in `storage` beside its files."""
    reader = SegmentReader(storage, schema, segment)
    try:
        columns = segment_columns(reader)
    finally:
        reader.close()
    buffer = io.BytesIO()
    np.savez(buffer, **_arrays(columns))
    with storage.create_file(columns_name(segment)) as file:
        file.write(buffer.getvalue())


def load_columns(storage, segment) -> SegmentColumns | None:
    """The segment's saved arrays, or None where it has no file of this format (the caller builds them)."""
    name = columns_name(segment)
    if not storage.file_exists(name):
        return None
    try:
        with storage.open_file(name) as file:
            data = file.read()
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            if int(arrays["size"][0]) != segment.doc_count_all():
                return None
            return _columns({key: arrays[key] for key in arrays.files})
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):  # a damaged file: the postings still answer
        return None


def reader_columns(reader) -> SegmentColumns:
    """A segment reader's arrays: loaded from its file, else built from its postings (nothing is written)."""
    return load_columns(reader.storage(), reader.segment()) or segment_columns(reader)


class ColumnsWriter(SegmentWriter):
    """Whoosh's segment writer, saving the arrays of every segment it commits that has no file yet: its own new
    segment (added or merged passages) and, once, each segment of an index written before these files."""

    def _commit_toc(self, segments):
        for segment in segments:
            if not self.storage.file_exists(columns_name(segment)):
                save_columns(self.storage, segment, self.schema)
        super()._commit_toc(segments)
