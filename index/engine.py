"""The Whoosh index behind a small interface, so the engine could be swapped without touching callers.

Writes go through `writer()` (commit on success, cancel on error) or, for bulk ingestion, through segments that
worker processes write in parallel (`write_staged_segment`) and one commit adopts (`update(..., staged=...)`).
Reads go through `searcher()`, a cached searcher refreshed only when the index changed, so a query does not
reopen every segment.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter, SegmentWriter

from index import facets
from index.schema import build_schema, passage_fields
from ingest.models import Document

WRITER_TIMEOUT_SECONDS = 60.0
# Posting-pool memory per writer before it spills sorted runs to disk: bounds ingest memory whatever the corpus size.
WRITER_LIMIT_MB = 128
# Worker processes write their segments here; the leading dot keeps Whoosh's file cleaning away from them.
STAGING_DIR = ".staging"
# Bulk commits add segments without merging (merging is single-threaded and rewrites every posting) until the
# index has more than this many segments; then they merge the smaller half, which bounds query fan-out.
MAX_SEGMENTS = 12


@dataclass
class StagedSegment:
    """A finished segment written outside the index by a worker process, waiting to be committed."""

    segment: Segment
    paths: list[str]  # the compound segment file and its facet arrays


class SearchIndex:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = None
        self._search_lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._searcher_owner = None

    @property
    def index(self) -> whoosh_index.Index:
        if self._index is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            if whoosh_index.exists_in(str(self.directory)):
                self._index = whoosh_index.open_dir(str(self.directory))
            else:
                self._index = whoosh_index.create_in(str(self.directory), build_schema())
        return self._index

    def exists(self) -> bool:
        return whoosh_index.exists_in(str(self.directory))

    @contextmanager
    def writer(self) -> Iterator[IndexWriter]:
        writer = self.index.writer(timeout=WRITER_TIMEOUT_SECONDS, limitmb=WRITER_LIMIT_MB)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """The process's searcher, refreshed when a commit changed the index, used by one thread at a time.

        One shared searcher rather than one per request: opening every segment per query is slow, and one per
        thread multiplies open readers by the server's thread pool. Whoosh searchers are not thread-safe, and
        matching is pure Python that holds the GIL anyway, so serialising costs no throughput.
        """
        with self._search_lock:
            index = self.index
            if self._searcher is None or self._searcher_owner is not index:
                self._searcher, self._searcher_owner = index.searcher(), index
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            yield self._searcher

    def update(self, added: Iterable[Document], removed_doc_ids: Iterable[str] = (),
               staged: Iterable[StagedSegment] = ()) -> None:
        """Remove then add, in one commit: a reader sees the old state or the new one.

        With `staged`, the added documents are already written in those segments: the commit deletes their
        older copies and adopts the segments instead of indexing the documents again.
        """
        staged = list(staged)
        if not staged:
            with self.writer() as writer:
                write_documents(writer, added, removed_doc_ids)
            return
        writer = self.index.writer(timeout=WRITER_TIMEOUT_SECONDS, limitmb=WRITER_LIMIT_MB)
        try:
            for doc_id in [*removed_doc_ids, *(document.doc_id for document in added)]:
                writer.delete_by_term("doc_id", doc_id)
            for path in (path for part in staged for path in part.paths):
                os.replace(path, self.directory / Path(path).name)
            segments = merge_smallest(writer, writer.segments, len(staged))
            if writer._added:  # segments merged into the writer's own new segment
                segments.append(writer._finalize_segment())
            else:
                writer._close_segment()
            writer._commit_toc(segments + [part.segment for part in staged])
            writer._finish()
        except BaseException:
            writer.cancel()
            raise

    def clear(self) -> None:
        self._index = whoosh_index.create_in(str(self.directory), build_schema())

    def doc_count(self) -> int:
        with self.searcher() as searcher:
            return searcher.doc_count()

    def indexed_doc_ids(self) -> set[str]:
        with self.searcher() as searcher:
            return {fields["doc_id"] for fields in searcher.all_stored_fields()}


def write_documents(writer: IndexWriter, added: Iterable[Document], removed_doc_ids: Iterable[str] = ()) -> None:
    for doc_id in removed_doc_ids:
        writer.delete_by_term("doc_id", doc_id)
    for document in added:
        writer.delete_by_term("doc_id", document.doc_id)
        for passage in document.passages:
            writer.add_document(**passage_fields(document, passage))


def write_staged_segment(index_directory: Path, documents: Iterable[Document]) -> StagedSegment | None:
    """Index documents into a new segment of this process's staging folder (runs in a worker process).

    Each worker has its own folder and private staging index, so workers never contend for the index lock;
    the segment joins the real index only when the ingesting process commits it.
    """
    folder = Path(index_directory) / STAGING_DIR / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(folder))
    staging = storage.open_index() if whoosh_index.exists_in(str(folder)) else storage.create_index(build_schema())
    writer = SegmentWriter(staging, _lk=False, limitmb=WRITER_LIMIT_MB)
    written: set[str] = set()
    stored: list[dict] = []
    try:
        for document in documents:
            if document.doc_id in written:  # the same content twice in one chunk: index it once
                continue
            written.add(document.doc_id)
            for passage in document.passages:
                fields = passage_fields(document, passage)
                writer.add_document(**fields)
                stored.append({name: fields[name] for name in facets.STORED_FIELDS})  # not the analysed text
        if not writer._added:
            writer.cancel()
            return None
        segment = writer._finalize_segment()
        writer._finish()
    except BaseException:
        writer.cancel()
        raise
    sidecar = folder / segment.make_filename(facets.SIDECAR_EXT)
    facets.save(facets.arrays_from_fields(stored), sidecar)
    return StagedSegment(segment, [str(folder / segment.make_filename(segment.COMPOUND_EXT)), str(sidecar)])


def merge_smallest(writer: SegmentWriter, segments: list[Segment], incoming: int = 0) -> list[Segment]:
    """Merge policy for bulk commits: nothing until the index would exceed MAX_SEGMENTS, then the smallest
    half of the segments into one, so sizes stay roughly geometric and each posting is rewritten O(log n) times."""
    if len(segments) + incoming <= MAX_SEGMENTS:
        return list(segments)
    ordered = sorted(segments, key=lambda segment: segment.doc_count_all())
    count = max(2, len(ordered) // 2)
    for segment in ordered[:count]:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return ordered[count:]
