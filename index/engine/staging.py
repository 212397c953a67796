"""Index segments written by ingest's worker processes and adopted by the writer in one commit.

Filing postings into Whoosh was most of the single writer process's time, so ingest could not go faster than
that one process. Whoosh's own multiprocessing writer (`whoosh.multiproc.MpWriter`, multisegment=True) shows
how to spread it: sub-writers open the index without its lock, each finishes a segment of its own, and the
parent lists those segments in the table of contents it commits. Here a worker writes its segment into a folder
of its own under `<index>/staging/` (`write_segment`), never into the index folder itself, where any commit
deletes the files its table of contents does not list. The writer then moves the finished files into the
index folder and lists them in one commit (`SearchIndex.adopt`), step 1 of the visibility protocol
(index/store/visibility.py). Until that commit no reader sees them; a crash before it leaves files in
staging/ (removed by the next writer: `clear_staging`) or unlisted segment files in the index folder (removed
by Whoosh's clean-up at the next commit), and the store never recorded the batch, so nothing is lost.
"""
from __future__ import annotations

import gc
import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh.codec.base import Segment
from whoosh.fields import FieldType
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from index.analysis import PreAnalyzed
from index.engine.codec import RedpropCodec, write_terms
from index.engine.column_files import save_columns
from index.engine.merging import merge_into
from index.engine.postings import Postings
from index.engine.schema import build_schema

STAGING_DIR = "staging"
# A staged segment's posting blocks are written uncompressed (the header's compression 0, which every reader
# honours): almost every one is read once, by the merge that takes it in (a tier merge or the end-of-run
# compaction, index/engine/merging.py), which compresses what it writes, copied blocks included
# (index/engine/codec.py `_copy_block`). Compressing them here cost the segment worker about a tenth of its CPU
# for the merge to decompress again (docs/ingest-performance.md). A library of a single batch keeps its one
# segment uncompressed: its postings file is about 30% larger.
STAGED_BLOCK_COMPRESSION = 0


@dataclass(frozen=True)
class StagedSegment:
    """A finished segment in its staging folder. Segments pickle (Whoosh keeps them in every table of contents),
    so this travels from a worker process to the writer."""

    folder: Path
    segment: Segment

    @property
    def passages(self) -> int:
        return self.segment.doc_count_all()


def staging_root(index_dir: Path) -> Path:
    return Path(index_dir) / STAGING_DIR


def write_segment(index_dir: Path, passages: list[dict]) -> StagedSegment:
    """One segment holding `passages` (field dicts, text fields carrying their postings), under the current
    schema, in a new folder of the index's staging area. Runs in a worker; takes no lock."""
    folder = staging_root(index_dir) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        # An empty table of contents in the folder: what a SegmentWriter reads the schema from.
        index = FileStorage(str(folder)).create_index(build_schema())
        writer = SegmentWriter(index, _lk=False, codec=RedpropCodec(compression=STAGED_BLOCK_COMPRESSION))
        try:
            with collector_paused():  # grouping a batch's postings by term: three lists per term
                _add_passages(writer, passages)
            segment = writer._finalize_segment()  # closed and assembled, as MpWriter's sub-writers do
        finally:
            writer._finish()  # removes its temporary files; there is no lock to release
        save_columns(index.storage, segment, index.schema)  # moves with the segment (index/engine/column_files.py)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return StagedSegment(folder, segment)


def merge_in_staging(index_dir: Path, segments: list[Segment]) -> StagedSegment:
    """`segments` of the index in `index_dir` merged into one segment in a new staging folder, as a merge in a
    commit would write it (index/engine/merging.py): the end of an ingest compacts its small segments this way in a
    worker while the writer reads the index for learning (`SearchIndex.adopt_compacted` lists the result). The
    segments are read in place, unchanged."""
    folder = staging_root(index_dir) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        source = FileStorage(str(index_dir))
        index = FileStorage(str(folder)).create_index(source.open_index().schema)  # the index's own schema
        writer = SegmentWriter(index, _lk=False, codec=RedpropCodec())
        try:
            merge_into(writer, segments, source)
            segment = writer._finalize_segment()
        finally:
            writer._finish()
        save_columns(index.storage, segment, index.schema)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return StagedSegment(folder, segment)


def _add_passages(writer: SegmentWriter, passages: list[dict]) -> None:
    """What `add_document` per passage and the flush would write, with the postings filed term by term.

    Whoosh's writer pools every posting as a tuple, sorts the pool and hands the postings over one by one, each
    term then going through its postings writer, for postings the parse workers had already computed
    (index/engine/postings.py). Here each passage's stored fields, field lengths and column values go to the
    per-document writer as `add_document` sends them, its postings are grouped by field and term as they come
    (the term as the text the format gives: encoded once per term, not once per posting as `FieldType.index`
    does, which sorts the same since UTF-8 keeps code point order), and each term is filed in one step
    (index/engine/codec.py `write_terms`), most of them (a few postings, kept inline) as a term record built at
    once. tests/test_staged_segment_write.py compares the two segments byte for byte."""
    schema, perdoc = writer.schema, writer.perdocwriter
    terms: dict[str, dict] = {}  # field → term → (ids, weights, values)
    length_bytes: dict[str, bytearray] = {}  # scorable field → its length byte per passage (0: none)
    analysed: dict[tuple[str, str], list] = {}  # (field, plain value) → its word values: see _word_values
    for docnum, fields in enumerate(passages):
        perdoc.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                table = terms.get(fieldname)
                if table is None:
                    table = terms[fieldname] = {}
                for text, frequency, weight, vbytes in _word_values(field, fieldname, value, analysed):
                    found = table.get(text)
                    if found is None:
                        table[text] = ([docnum], [weight], [vbytes])
                    else:
                        found[0].append(docnum)
                        found[1].append(weight)
                        found[2].append(vbytes)
                    length += frequency
                if not field.scorable:
                    length = 0
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
            if length:
                length_bytes.setdefault(fieldname, bytearray(len(passages)))[docnum] = length_to_byte(length)
        perdoc.finish_doc()
    writer.docnum = len(passages)
    writer._added = True
    write_terms(writer.fieldwriter, schema, _sorted_terms(terms, length_bytes, len(passages)))


def _word_values(field, fieldname: str, value, analysed: dict):
    """(term, frequency, weight, encoded value) per distinct term of a field value.

    A text value carries its postings (index/engine/postings.py). A plain value (an id, a type, a year, the
    places) is analysed once per batch and remembered in `analysed`: every passage of a document repeats its
    document's."""
    if isinstance(value, (Postings, PreAnalyzed, list)):  # postings at hand; or a value that cannot be a key
        return _analyse(field, value)
    key = (fieldname, value)
    found = analysed.get(key)
    if found is None:
        found = analysed[key] = list(_analyse(field, value))
    return found


def _analyse(field, value):
    """`FieldType.index` without encoding each term (a term is text here), or a field type's own `index` (its
    terms bytes)."""
    if type(field).index is not FieldType.index:
        return field.index(value)
    if not isinstance(value, (str, list, tuple)):
        raise ValueError(f"{value!r} is not unicode or sequence")  # noqa: TRY004 - as FieldType.index raises
    return field.format.word_values(value, field.analyzer, mode="index")


@contextmanager
def collector_paused():
    """The garbage collector off for a burst of allocations that form no reference cycle (postings, terms and the
    lists grouping them, tens of thousands at a time), all freed by reference counting: with the collector on,
    they kept it walking the heap around them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _sorted_terms(terms: dict[str, dict], length_bytes: dict[str, bytearray], count: int):
    """The grouped postings in the order a segment lists its terms, each posting with its length byte."""
    none = bytes(count)
    for fieldname in sorted(terms):
        table, lengths = terms[fieldname], length_bytes.get(fieldname, none)
        for text in sorted(table):
            ids, weights, values = table[text]
            btext = text.encode("utf-8") if isinstance(text, str) else text
            yield fieldname, btext, (ids, weights, values, list(map(lengths.__getitem__, ids)))


def move_into(staged: StagedSegment, index_dir: Path) -> None:
    """Move a staged segment's files into the index folder (a rename: same file system) and drop its folder."""
    storage = FileStorage(str(staged.folder))
    for name in staged.segment.list_files(storage):
        os.replace(staged.folder / name, Path(index_dir) / name)
    shutil.rmtree(staged.folder, ignore_errors=True)


def discard(staged: list[StagedSegment]) -> None:
    for item in staged:
        shutil.rmtree(item.folder, ignore_errors=True)


def clear_staging(index_dir: Path) -> None:
    """Remove what workers staged and no commit adopted (a writer killed mid-batch); the caller holds the write
    lock, so no worker is writing."""
    shutil.rmtree(staging_root(index_dir), ignore_errors=True)
