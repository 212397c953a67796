"""ingest_paths(): files → documents → index + store, one file's failure never stopping the batch.

Order of writes per batch (see index/store/visibility.py and docs/reliability.md): the index adds the batch's
documents, then ONE store transaction records the whole batch (the commit point readers see), then the index
drops what the store no longer has. A crash before the store commit leaves index entries readers never see
and files not recorded as ingested, so re-running the same ingest completes the work; the index upserts by
passage id, so nothing is duplicated.

Each file is prepared (parsed, analysed into postings, its cases extracted: index/write/prepare.py) in a worker
process with time and memory limits (guard.py), one worker per core, several files ahead of the writer; this
process links reposts, hands the batch's postings to one more worker that only writes index segments
(index/engine/staging.py), adopts that segment and writes the store, so ingest uses every core while the batch
order stays the files' order.
"""
from __future__ import annotations

import ctypes
import gc
import hashlib
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from index.engine.cooccurrence import TermMatrix, read_columns
from index.engine.schema import group_id
from index.engine.staging import StagedSegment, merge_in_staging
from index.store import freshness
from index.store.case_store import CaseStore
from index.store.consistency import upgrade
from index.store.library import Library
from index.store.visibility import finish_interrupted, hide_unstored, mark_clean, mark_dirty
from index.write import related_terms
from index.write.prepare import PreparedDocument, PreparedFile, prepare_file, write_prepared_segment
from ingest.datafiles import Effect
from ingest.dedup import Signature, link_near_duplicates
from ingest.errors import IngestError
from ingest.guard import ParseGuard, ParseLimits, bulk_collection, default_workers
from ingest.models import Document
from ingest.parsers import PARSERS
from ingest.text.names import shown, stored

BATCH_FILES = 256  # one index segment each: larger first segments mean fewer merge rounds (index/engine/merging.py)
BATCH_CHARS = 4_000_000  # a batch of long files commits early: memory stays bounded whatever the files hold
# Files prepared ahead, per worker. The workers must not wait while this process merges segments (a tier of
# MERGE_FACTOR batches' segments, index/engine/merging.py: about 30 s of CPU at 60k passages): with two batches
# ahead they ran out of work within seconds and idled through every merge. Eight batches cover one.
AHEAD_PER_WORKER = 1024
AHEAD_BYTES = 64 * 2**20  # ... and at most this much input in flight, whatever the files' sizes
# ... and this many more per worker just before a commit that merges a tier: eight batches ahead are about 7 s of
# the parse workers' work, and a tier merge keeps this process busy for 10 s or more, during which it submits
# nothing (a 30k ingest sampled every 0.5 s: the parse and segment workers all idle for 4-5 s of each merge). Only
# then: ahead of every batch, the files held would grow the run's tail, when the parse workers have finished
# and this process still commits the batches they ran ahead by.
MERGE_AHEAD_PER_WORKER = 1024
# The parse workers run at a lower CPU priority than this process and the segment worker. Those two are the
# serial part of ingest (every batch passes through them in order); at equal priority, on two cores shared by
# four processes, they got half a core each, fell behind, and the parse workers ran out of files ahead.
PARSE_NICENESS = 5
LOCK_WAIT_SECONDS = 600
PREPARE_MODULE = "index.write.prepare"  # what the parse workers run: loaded once in their forkserver
log = logging.getLogger("redprop.ingest")


@dataclass
class FileOutcome:
    path: str
    status: str  # ingested | unchanged | failed
    doc_ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0  # time spent reading and parsing the file
    problems: list[FileOutcome] = field(default_factory=list)  # broken parts (JSONL lines) of an ingested file

    def __post_init__(self) -> None:  # names that are not UTF-8 are reported with U+FFFD (ingest/text/names.py)
        self.path = shown(self.path)
        self.error = None if self.error is None else shown(self.error)


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    rebuilt: dict[str, list[str]] = field(default_factory=dict)  # "index"/"cases" → why it was rebuilt first

    def by_status(self, status: str) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def failed(self) -> bool:
        return bool(self.by_status("failed"))

    def to_json(self) -> dict:
        def entry(outcome: FileOutcome) -> dict:
            return {"path": outcome.path, "doc_ids": outcome.doc_ids, "titles": outcome.titles}

        return {
            "ingested": [entry(o) for o in self.by_status("ingested")],
            "unchanged": [entry(o) for o in self.by_status("unchanged")],
            "failed": [{"path": o.path, "error": o.error} for o in self.by_status("failed")],
        }


# (label, total) → a callback hearing how many are done: how a caller shows a rebuild's progress (a tqdm bar).
ProgressFactory = Callable[[str, int], Callable[[int], None]]


def rebuild_stale(library: Library, progress: ProgressFactory | None = None) -> dict[str, list[str]]:
    """Rebuild the index and re-extract the cases if a data file or format they were built with has changed
    (index/store/freshness.py); the caller holds the write lock. Returns what was stale and why."""
    store = library.store
    reasons = {str(effect): freshness.stale(store, effect) for effect in (Effect.INDEX, Effect.CASES)}
    upgrade(library, progress("重建索引", store.count_documents()) if progress else None)
    if freshness.recorded(store, Effect.CASES) is None:  # stored before fingerprints: each case already
        reasons["cases"] = []  # carries its extractor version (case_runs), so adopt the current files as they are
    if reasons["cases"] or freshness.recorded(store, Effect.CASES) is None:
        doc_ids = sorted(store.doc_ids()) if reasons["cases"] else []
        on_progress = progress("重新提取案例", len(doc_ids)) if progress and doc_ids else None
        CaseStore(store).extract_pending(doc_ids, on_progress=on_progress)
        freshness.record(store, Effect.CASES)
    return {effect: why for effect, why in reasons.items() if why}


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and supported files under folders named (recursively, hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and child.suffix.lower() in PARSERS and not any(
                    part.startswith(".") for part in relative.parts
                ):
                    yield child
        else:
            yield path


def file_key(path: Path) -> str:
    """The store's key for a file: its absolute path, bytes-safe (ingest/text/names.py). Worked out once per file
    (`_once`): resolving a path asks the file system about each of its folders."""
    return stored(os.path.realpath(path))


def ingest_paths(
    paths: Iterable[Path | str],
    library: Library,
    on_outcome: Callable[[FileOutcome], None] | None = None,
    lock_wait: float = LOCK_WAIT_SECONDS,
    on_wait: Callable[[str], None] | None = None,
    limits: ParseLimits | None = None,
    guarded: bool = True,
    sources: Mapping[str, str] | None = None,
    urls: Mapping[str, str] | None = None,
    workers: int | None = None,
    rebuild_progress: ProgressFactory | None = None,
) -> IngestReport:
    """Ingest files and folders. `on_wait` hears a message if another writer holds the lock (raises
    WriteLockTimeout after `lock_wait` s); with `guarded`, files are prepared in `workers` processes (default: one
    per core) under `limits` (default: ingest/guard.py's); `sources` names what users see for a path (uploads),
    `urls` the address a fetched file came from (stored as the documents' url). Stored work made stale by edited
    data files is rebuilt first (rebuild_stale); `rebuild_progress` shows it."""
    report = IngestReport()

    def finish(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        log.info("ingest_file", extra={"path": outcome.path, "source": (sources or {}).get(outcome.path),
                                       "status": outcome.status, "documents": len(outcome.doc_ids),
                                       "seconds": round(outcome.seconds, 3), "error": outcome.error})
        if on_outcome:
            on_outcome(outcome)

    preparer = _Preparer(limits or ParseLimits() if guarded else None, workers or default_workers())
    try:
        with library.writing(lock_wait, on_wait), bulk_collection():
            report.rebuilt = rebuild_stale(library, rebuild_progress)  # before new files join the old work
            finish_interrupted(library)  # a killed earlier run may have left step 3 undone: the index is clean now
            library.index.clear_staging()  # ... and segments its workers staged that it never adopted
            reparse, sources = _stale_parses(library, report, dict(sources or {}))
            batch: list[tuple[FileOutcome, str, str, list[PreparedDocument]]] = []
            batch_chars = 0
            writing: _Writing | None = None  # the batch whose segment the segment worker is writing
            files = _once([*iter_files(Path(p) for p in paths), *(Path(key) for key in sorted(reparse))])
            ahead = _Ahead(files, library, preparer, sources, urls or {}, reparse)
            for outcome, pending in ahead:
                if pending is None:
                    finish(outcome)
                    continue
                batch.append((outcome, *pending))
                batch_chars += sum(len(p.document.text) for p in pending[2])
                if len(batch) >= BATCH_FILES or batch_chars >= BATCH_CHARS:
                    writing = _start(batch, library, preparer, finish, writing, ahead.before_merge)
                    batch, batch_chars = [], 0
            if batch:
                writing = _start(batch, library, preparer, finish, writing, ahead.before_merge)
            if writing is not None:  # a tier this fills is merged with the small segments, by a worker (_compact)
                _commit(writing, library, finish, merge=False)
            preparer.close_parsing()  # idle from here on: their memory (about 550 MB for two) is free for what follows
            if "parse" in report.rebuilt:
                freshness.record(library.store, Effect.PARSE)
            CaseStore(library.store).extract_pending()  # documents whose extraction failed or is out of date
            _return_free_memory()  # what the batches and merges freed, before the matrix is read on top of it
            compacted, matrix = _compact(library, preparer)
            if compacted:  # the same documents in fewer segments: still clean
                mark_clean(library)
            preparer.close()
            _return_free_memory()  # ... and what compaction freed, before learning needs its own
            related_terms.refresh(library, amortized=True, matrix=matrix)  # again once the index grew or shrank enough
    finally:
        preparer.close()
    return report


def _compact(library: Library, preparer: _Preparer) -> tuple[bool, TermMatrix | None]:
    """Merge the index's small segments (and a tier the last batch filled) into one; whether it did, and the
    related terms' matrix if it was read meanwhile. Both end an ingest after the parse workers have stopped (at
    100k documents about 12 s and 30 s of CPU), so when learning is due they run side by side: the segment worker
    merges, then reads the last segments' part of the matrix, while this process reads the rest from the index as
    committed (compaction keeps the same passages); the merged segment is listed in one commit after."""
    sources = library.index.to_compact()
    if preparer.segment_writer is None or not related_terms.due(library, amortized=True):
        return library.index.compact(), None
    merged = preparer.merge_apart(library.index.directory, sources) if sources else None
    matrix = related_terms.read_matrix(library, partial(preparer.read_apart, library.index.directory),
                                       busy=sum(segment.doc_count_all() for segment in sources))
    if merged is None:
        return False, matrix
    try:
        staged = merged()
    except Exception:  # the worker failed (its memory or time limits): the merge is done here instead
        log.exception("compaction_in_worker_failed")
        return library.index.compact(), matrix
    return library.index.adopt_compacted(staged, sources) or library.index.compact(), matrix


def _return_free_memory() -> None:
    """Hand the heap memory freed so far back to the operating system (glibc's malloc_trim; nothing elsewhere).

    The batches' prepared files and the merges' per-term lists are freed when done, but glibc keeps the freed
    pages for reuse, so learning the related terms at the end of a large ingest added its matrices on top of the
    batches' high-water mark: the writer's peak, at 100k documents, over issue 18's 2 GB."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory stays with the process, as before
        pass


class _Preparer:
    """prepare_file, in guard workers when limits are set (the pool starts on the first file); else inline.

    Files are submitted up to AHEAD_PER_WORKER per worker ahead of the one being written (MERGE_AHEAD_PER_WORKER
    more before a tier merge), so the workers parse and analyse while this process writes; at most that many
    prepared files are held in memory.
    """

    def __init__(self, limits: ParseLimits | None, workers: int):
        self.limits = limits
        self.workers = workers
        self.guard: ParseGuard | None = None
        # Segments are written by a worker of their own: in the parse workers' queue a batch's segment waited
        # behind every file submitted ahead, and the parse workers then sat idle while this process merged.
        self.segment_writer: ParseGuard | None = None
        self.ahead = 0 if limits is None else AHEAD_PER_WORKER * workers
        self.merge_ahead = 0 if limits is None else MERGE_AHEAD_PER_WORKER * workers

    def submit(self, path: Path, data: bytes, source: str | None, url: str | None = None):
        if self.limits is None:
            return _Done(path, data, source, url)
        if self.guard is None:
            self.guard = ParseGuard(self.limits, self.workers, preload=[PREPARE_MODULE], niceness=PARSE_NICENESS)
        return self.guard.submit(prepare_file, path, data, source, url)

    def result(self, submitted, path: Path) -> PreparedFile:
        if isinstance(submitted, _Done):
            return prepare_file(submitted.path, submitted.data, submitted.source, submitted.url)
        return self.guard.result(submitted, path)

    def write_segment(self, index_dir: Path,
                      documents: list[tuple[PreparedDocument, str]]) -> Callable[[], list[StagedSegment]]:
        """Start writing the documents' passages (with their group ids) as a staged segment in the segment
        worker (inline, when asked for, without workers); the returned call waits for it and raises what failed."""
        packed = [(item.packed_passages, group_id) for item, group_id in documents]
        if self.limits is None:
            return lambda: [write_prepared_segment(index_dir, packed)]
        if self.segment_writer is None:
            self.segment_writer = ParseGuard(self.limits, 1, preload=[PREPARE_MODULE])
        future = self.segment_writer.call(write_prepared_segment, index_dir, packed)
        return lambda: [future.result()]

    def merge_apart(self, index_dir: Path, segments: list) -> Callable[[], StagedSegment]:
        """Start merging the index's `segments` into a staged segment in the segment worker; the returned call
        waits for it and raises what failed."""
        future = self.segment_writer.call(merge_in_staging, index_dir, segments)
        return future.result

    def read_apart(self, index_dir: Path, segments: list, terms: list[bytes]) -> Callable[[], list]:
        """Start reading the related terms' matrix columns of the index's `segments` in the segment worker
        (index/engine/cooccurrence.py `read_columns`); the returned call waits for them and raises what failed."""
        return self.segment_writer.call(read_columns, index_dir, segments, terms).result

    def close_parsing(self) -> None:
        """Stop the parse workers (the segment worker stays)."""
        if self.guard is not None:
            self.guard.close()
            self.guard = None

    def close(self) -> None:
        """Stop the workers; closing twice is harmless."""
        for guard in (self.guard, self.segment_writer):
            if guard is not None:
                guard.close()
        self.guard = self.segment_writer = None


@dataclass
class _InFlight:
    """A file submitted for preparation, with what the writer needs when it collects it."""

    path: Path
    key: str
    sha: str
    started: float
    work: object  # the worker's future, or _Done
    size: int  # bytes read


@dataclass
class _Done:
    """An unguarded file: prepared when its result is asked for."""

    path: Path
    data: bytes
    source: str | None
    url: str | None = None


def _once(paths: list[Path]) -> list[tuple[Path, str]]:
    """Each file once, with its store key, in the order first named: a file named twice in one batch would be
    indexed twice."""
    seen: set[str] = set()
    files = []
    for path in paths:
        key = file_key(path)
        if key not in seen:
            seen.add(key)
            files.append((path, key))
    return files


def _stale_parses(library: Library, report: IngestReport, sources: dict[str, str]) -> tuple[set[str], dict[str, str]]:
    """When a PARSE data file (decoding, cleaning, topic) changed, every recorded file still on disk is parsed
    again in this run, keeping the name users know it by (an upload's client name). Returns (keys, sources)."""
    store = library.store
    if freshness.recorded(store, Effect.PARSE) is None and store.count_documents() == 0:
        freshness.record(store, Effect.PARSE)  # now, not at the end: a run killed midway leaves nothing stale
    reasons = freshness.stale(store, Effect.PARSE)
    if not reasons:
        return set(), sources
    report.rebuilt["parse"] = reasons
    keys = set()
    for key, source in store.file_sources().items():
        if Path(key).is_file():
            keys.add(key)
            sources.setdefault(key, source)
        else:
            log.warning("reparse_missing_file", extra={"path": key})
    return keys, sources


class _Ahead:
    """(outcome, pending) per (file, its store key) in the order given; pending = (key, sha, prepared documents)
    or None.

    Files are submitted to the parse workers ahead of the one collected: `preparer.ahead` of them, and at most
    AHEAD_BYTES, and more just before a tier merge (`before_merge`).
    """

    def __init__(self, files: Iterable[tuple[Path, str]], library: Library, preparer: _Preparer,
                 sources: Mapping[str, str], urls: Mapping[str, str], reparse: set[str] = frozenset()):
        self.files = iter(files)
        self.library, self.preparer, self.sources, self.urls, self.reparse = library, preparer, sources, urls, reparse
        self.in_flight: deque = deque()
        self.in_flight_bytes = 0  # kept as files come and go: summed afresh per file, it cost O(ahead) each time

    def __iter__(self):
        while True:
            self._fill(self.preparer.ahead)
            if not self.in_flight:
                return
            oldest = self.in_flight.popleft()
            self.in_flight_bytes -= _size(oldest)
            yield _collect(oldest, self.preparer)

    def before_merge(self) -> None:
        """Give the parse workers work for the merge this process is about to do alone."""
        self._fill(self.preparer.ahead + self.preparer.merge_ahead)

    def _fill(self, files: int) -> None:
        while len(self.in_flight) <= files and self.in_flight_bytes <= AHEAD_BYTES:
            path, key = next(self.files, (None, None))
            if path is None:
                return
            submitted = _submit(path, key, self.library, self.preparer, self.sources.get(str(path)),
                                self.urls.get(str(path)), key in self.reparse)
            self.in_flight.append(submitted)
            self.in_flight_bytes += _size(submitted)


def _size(submitted: FileOutcome | _InFlight) -> int:
    return submitted.size if isinstance(submitted, _InFlight) else 0


def _submit(path: Path, key: str, library: Library, preparer: _Preparer, source: str | None,
            url: str | None = None, reparse: bool = False) -> FileOutcome | _InFlight:
    """An outcome already known (unreadable, unchanged), or the file (`key` in the store) submitted for
    preparation."""
    started = time.perf_counter()
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileOutcome(str(path), "failed", error=f"{path}: 无法读取文件({error.strerror or error})")
    sha = hashlib.sha256(data).hexdigest()
    state = library.store.file_state(key)
    if state is not None and state.sha256 == sha and not reparse:
        return FileOutcome(str(path), "unchanged", doc_ids=state.doc_ids)
    return _InFlight(path, key, sha, started, preparer.submit(path, data, source, url), len(data))


def _collect(submitted: FileOutcome | _InFlight,
             preparer: _Preparer) -> tuple[FileOutcome, tuple[str, str, list[PreparedDocument]] | None]:
    if isinstance(submitted, FileOutcome):
        return submitted, None
    path, started = submitted.path, submitted.started
    try:
        prepared = preparer.result(submitted.work, path)
    except IngestError as error:
        return FileOutcome(str(path), "failed", error=str(error), seconds=time.perf_counter() - started), None
    except Exception as error:  # noqa: BLE001 - a parser bug must not stop the batch; report it with the file
        return FileOutcome(str(path), "failed", error=f"{path}: 解析出错({type(error).__name__}: {error})",
                           seconds=time.perf_counter() - started), None
    documents = [p.document for p in prepared.documents]
    outcome = FileOutcome(str(path), "ingested", [d.doc_id for d in documents], [d.title for d in documents],
                          seconds=time.perf_counter() - started)
    outcome.problems = [FileOutcome(problem.path, "failed", error=str(problem)) for problem in prepared.problems]
    return outcome, (submitted.key, submitted.sha, prepared.documents)


@dataclass
class _Writing:
    """A batch linked to its reposts whose segment is being written, not yet committed."""

    batch: list[tuple[FileOutcome, str, str, list[PreparedDocument]]]
    prepared: list[PreparedDocument]
    signatures: list[Signature]
    segment: Callable[[], list[StagedSegment]]  # waits for the staged segment; raises if staging failed


def _start(batch, library: Library, preparer: _Preparer, finish: Callable[[FileOutcome], None],
           previous: _Writing | None, before_merge: Callable[[], None]) -> _Writing:
    """Link the batch's reposts and start writing its segment; then commit the previous batch, whose segment was
    written meanwhile. The segment worker writes this batch while this process adopts and stores the last one
    (a tier merge, the store transaction): done one after the other, the two left the parse workers idle once
    they were AHEAD_PER_WORKER files ahead. Returns the batch now being written."""
    if previous is not None and library.index.merge_due():
        before_merge()
    store = library.store
    prepared = [item for *_, items in batch for item in items]
    added = [item.document for item in prepared]
    replaced = {doc_id for _, key, _, _ in batch if (state := store.file_state(key)) for doc_id in state.doc_ids}
    uncommitted = [] if previous is None else _linked(previous)
    signatures = link_near_duplicates(added, store, exclude=replaced - {document.doc_id for document in added},
                                      signatures={item.document.doc_id: item.signature for item in prepared},
                                      earlier=uncommitted)
    writing = _Writing(batch, prepared, signatures, _write_segment(library, preparer, prepared))
    if previous is not None:
        _commit(previous, library, finish)
    return writing


def _linked(writing: _Writing) -> list[tuple[Signature, Document]]:
    """The batch's signatures with their documents (documents too short to compare have none)."""
    documents = {item.document.doc_id: item.document for item in writing.prepared}
    return [(signature, documents[signature.doc_id]) for signature in writing.signatures]


def _commit(writing: _Writing, library: Library, finish: Callable[[FileOutcome], None], merge: bool = True) -> None:
    """The three steps of index/store/visibility.py: index add (`merge`: merging a full tier first) → one store
    transaction → index drops the unstored."""
    store = library.store
    _write_index(library, writing, merge)
    dropped: list[str] = []
    with store.transaction() as db:
        mark_dirty(library, db)
        for _, key, sha, items in writing.batch:
            dropped += store.replace_file_in(db, key, sha, [item.document for item in items])
        store.save_signatures(db, [(signature.doc_id, signature.to_bytes(), signature.bands)
                                   for signature in writing.signatures])
    hide_unstored(library, candidates=dropped)  # the index was clean before this batch: see ingest_paths
    _update_cases(library, writing.prepared, dropped)
    for outcome, *_ in writing.batch:
        for reported in (outcome, *outcome.problems):
            finish(reported)


def _write_segment(library: Library, preparer: _Preparer,
                   prepared: list[PreparedDocument]) -> Callable[[], list[StagedSegment]]:
    """Start writing the batch's segment (group ids as linking decided); the result waits for it."""
    documents = [(item, group_id(item.document)) for item in prepared]
    if not documents:
        return list
    return preparer.write_segment(library.index.directory, documents)


def _write_index(library: Library, writing: _Writing, merge: bool = True) -> None:
    """Step 1: upsert the batch's documents. A worker wrote the batch's segment from the postings the workers
    computed and this process adopts it in one commit (index/engine/staging.py). One segment per batch, not one
    per worker: the other workers go on preparing the next files meanwhile, and fewer segments mean less
    merging. If staging failed (the worker died, the disk is full) this process files the postings itself, which
    raises what the index cannot take."""
    prepared = writing.prepared
    try:
        staged = writing.segment()
    except Exception:
        log.exception("staged_segment_failed")
        library.index.update_fields((item.document.doc_id, item.passages(group_id(item.document)))
                                    for item in prepared)
        return
    library.index.adopt(staged, [item.document.doc_id for item in prepared], merge)


def _update_cases(library: Library, prepared: list[PreparedDocument], removed: list[str]) -> None:
    """Cases follow their documents; an extraction bug is logged and retried later, never failing the ingest."""
    cases = CaseStore(library.store)
    cases.remove_documents(removed)
    extracted = {item.document.doc_id: item.cases if item.document.canonical_id in (None, item.document.doc_id) else []
                 for item in prepared if item.cases is not None}
    try:
        cases.replace_extracted(extracted)
    except Exception:  # the documents are stored; `extract_pending` retries at the end of this ingest
        log.exception("案例保存失败:%s", ", ".join(extracted))
