"""The Whoosh index behind a small interface, so the engine could be swapped without touching callers.

Writes go through `writer()` (commit on success, cancel on error); reads through `searcher()`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.filedb.filestore import RamStorage
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, IndexWriter

from index.engine import IndexFormatError
from index.engine.codec import RedpropCodec
from index.engine.column_files import ColumnsWriter
from index.engine.documents import PassageBM25F, is_record, passage_count
from index.engine.live import LiveSearcher
from index.engine.merging import compact, end_segments, segments_to_merge, tiered_merge
from index.engine.schema import build_schema, document_fields
from index.engine.segment_files import use_in_place_reads
from index.engine.staging import StagedSegment, clear_staging, discard, move_into
from ingest.models import Document

use_in_place_reads()  # segment files are read where they are mapped, not copied into each process

WRITER_TIMEOUT_SECONDS = 60.0


class SearchIndex:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = None
        self._live = None

    @property
    def index(self) -> whoosh_index.Index:
        """The index as readers see it. With no index files yet this is an empty index in memory, not cached:
        reading never creates the folder (writers do, through `open_writer`)."""
        if self._index is None:
            if not self.exists():
                return RamStorage().create_index(build_schema())
            self._index = self._open()
        return self._index

    def _writable(self) -> whoosh_index.Index:
        """The index on disk, created if there is none yet: for writers only."""
        if self._index is None and not self.exists():
            self.clear()
        return self.index

    def _open(self) -> whoosh_index.Index:
        try:
            return whoosh_index.open_dir(str(self.directory))
        except (AttributeError, ImportError) as error:  # unpickling a class path that moved or went away
            raise IndexFormatError(f"{self.directory}: 索引由旧版本写入,无法读取({error});"
                                   "请运行 redprop reindex(或 redprop ingest)从存储重建索引") from error

    def reopen(self) -> None:
        """Forget the open index object, so the next use reads the TOC again (e.g. after a schema change)."""
        self._index = None

    @property
    def live(self) -> LiveSearcher:
        """The long-lived searcher queries share (index/engine/live.py); created on first use."""
        if self._live is None:
            self._live = LiveSearcher(self)
        return self._live

    def exists(self) -> bool:
        """Whether index files are there, without reading them (Whoosh's exists_in opens the index, which
        fails on one written before a layout change)."""
        return any(self.directory.glob(f"_{whoosh_index._DEF_INDEX_NAME}_*.toc"))

    def open_writer(self) -> IndexWriter:
        """A Whoosh writer with our codec (index/engine/codec.py) that saves each new segment's column arrays
        (index/engine/column_files.py); the caller commits or cancels it."""
        return ColumnsWriter(self._writable(), timeout=WRITER_TIMEOUT_SECONDS, codec=RedpropCodec())

    @contextmanager
    def writer(self) -> Iterator[IndexWriter]:
        writer = self.open_writer()
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        commit_or_release(writer, mergetype=tiered_merge)

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher of its own, closed after use: for scans (check, healthz) that want a fresh view."""
        with self.index.searcher(weighting=PassageBM25F()) as searcher:
            yield searcher

    @contextmanager
    def live_searcher(self) -> Iterator[Searcher]:
        """The process's shared searcher (latest generation), held for one lookup: what queries, suggestions,
        analysis and "more like this" read, so none of them pays for opening one."""
        with self.live.holding():
            yield self.live.current()

    def compact(self) -> bool:
        """Merge the small segments, and a full tier, into one (index/engine/merging.py); False when there was
        nothing to merge."""
        if not self.to_compact():
            return False
        commit_or_release(self.open_writer(), mergetype=compact)
        return True

    def to_compact(self) -> list[Segment]:
        """The segments compact() would merge now (none if that is fewer than two)."""
        segments = self.index._segments() if self.exists() else []
        return [segments[position] for position in end_segments([segment.doc_count() for segment in segments])]

    def adopt_compacted(self, staged: StagedSegment, sources: list[Segment]) -> bool:
        """List a segment a worker merged from `sources` (staging.merge_in_staging) in their place, in one commit.
        False, with the merge discarded, when a source is no longer listed as it was read (a commit since merged
        it or deleted from it): the caller then compacts here."""
        try:
            writer = self.open_writer()
        except BaseException:
            discard([staged])
            raise
        listed = {segment.segment_id(): segment for segment in writer.segments}
        if not all(source.segment_id() in listed
                   and set(listed[source.segment_id()].deleted_docs()) == set(source.deleted_docs())
                   for source in sources):
            writer.cancel()
            discard([staged])
            return False
        try:
            move_into(staged, self.directory)
        except BaseException:
            writer.cancel()
            discard([staged])
            raise
        merged = {source.segment_id() for source in sources}
        commit_or_release(writer, mergetype=lambda w, existing: [segment for segment in existing
                                                                 if segment.segment_id() not in merged]
                          + [staged.segment])
        return True

    def merge_due(self) -> bool:
        """Whether the next commit merges a tier of segments (index/engine/merging.py), before its deletions."""
        return bool(segments_to_merge([segment.doc_count() for segment in self.index._segments()]))

    def update(self, added: Iterable[Document], removed_doc_ids: Iterable[str] = ()) -> None:
        """Remove then add, in one commit: a reader sees the old state or the new one."""
        self.update_fields(((document.doc_id, document_fields(document)) for document in added), removed_doc_ids)

    def update_fields(self, added: Iterable[tuple[str, list[dict]]], removed_doc_ids: Iterable[str] = ()) -> None:
        """Like update(), for documents already turned into passage fields (by ingest's worker processes)."""
        with self.writer() as writer:
            write_fields(writer, added, removed_doc_ids)

    def adopt(self, staged: list[StagedSegment], replaced_doc_ids: Iterable[str] = (), merge: bool = True) -> None:
        """Upsert segments workers wrote (index/engine/staging.py) in one commit: the documents `replaced_doc_ids`
        names are deleted from the segments the index had, and the staged segments are listed beside them; with
        `merge`, a full tier of the segments it had is merged first (index/engine/merging.py). A reader sees the
        old state or the new one. On failure nothing staged stays listed or staged."""
        try:
            writer = self.open_writer()
        except BaseException:
            discard(staged)
            raise
        try:
            with writer.searcher() as searcher:  # one for all: Whoosh otherwise opens a searcher per deletion
                reader = searcher.reader()
                # A term-table probe per segment first: a batch's documents are mostly new, and a deletion by
                # term builds a query and its matchers over every segment only to find nothing.
                for doc_id in replaced_doc_ids:
                    if ("doc_id", doc_id) in reader:
                        writer.delete_by_term("doc_id", doc_id, searcher=searcher)
            for item in staged:
                move_into(item, self.directory)  # unlisted until the commit; any later commit cleans them up
        except BaseException:
            writer.cancel()
            discard(staged)
            raise
        segments = [item.segment for item in staged]
        commit_or_release(writer, mergetype=lambda w, existing: (tiered_merge(w, existing) if merge else existing)
                          + segments)

    def clear_staging(self) -> None:
        """Forget segments staged by a run that never adopted them (the caller holds the write lock)."""
        clear_staging(self.directory)

    def replace_all(self, passages: Iterable[dict]) -> None:
        """Replace every segment with `passages` (field dicts) in one commit, under the current schema: readers see
        the old index or the new one. An index that cannot even be opened (damaged files) is recreated first;
        a writer that cannot get the lock raises as it is."""
        try:
            _ = self.index  # opening reads the index's table of contents: damaged or foreign files fail here
        except Exception:  # noqa: BLE001 - any failure to open means the index must be rebuilt from scratch
            self.clear()
        writer = self.open_writer()
        writer.schema = build_schema()  # committed with the segment written below; the old segments are dropped
        try:
            for fields in passages:
                writer.add_document(**fields)
        except BaseException:
            writer.cancel()
            raise
        commit_or_release(writer, mergetype=CLEAR)
        self.reopen()

    def clear(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._index = whoosh_index.create_in(str(self.directory), build_schema())

    def doc_count(self) -> int:
        """Indexed passages (document records not counted)."""
        with self.searcher() as searcher:
            return passage_count(searcher)

    def passage_counts(self) -> Counter:
        """doc_id → indexed passages (a full scan of the stored fields)."""
        with self.searcher() as searcher:
            return Counter(fields["doc_id"] for fields in searcher.all_stored_fields() if not is_record(fields))

    def indexed_doc_ids(self) -> set[str]:
        with self.searcher() as searcher:
            return {fields["doc_id"] for fields in searcher.all_stored_fields()}


def commit_or_release(writer: IndexWriter, **options) -> None:
    """Commit; if the commit itself fails (disk full, I/O error) release the index lock before raising, or
    this process would hold it, and block every later write, until it exits."""
    try:
        writer.commit(**options)
    except BaseException:
        try:
            writer.cancel()
        except Exception:  # noqa: BLE001 - the commit error is the one to report
            if getattr(writer, "writelock", None) is not None:
                writer.writelock.release()
        raise


def write_fields(writer: IndexWriter, added: Iterable[tuple[str, list[dict]]],
                 removed_doc_ids: Iterable[str] = ()) -> None:
    """Upsert by document: (doc_id, passage fields) pairs replace whatever the index had for doc_id."""
    for doc_id in removed_doc_ids:
        writer.delete_by_term("doc_id", doc_id)
    for doc_id, passages in added:
        writer.delete_by_term("doc_id", doc_id)
        for fields in passages:
            writer.add_document(**fields)
