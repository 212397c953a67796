"""Bulk ingestion on every core: worker processes parse, segment (jieba) and index files into staged segments;
the ingesting process only checks which files changed, commits segments and writes the store.

Why: jieba and Whoosh's posting writer are both pure Python, so one process uses one core. Each worker writes
its own Whoosh segment (no index lock needed), fed pre-analysed fields so nothing is segmented twice. A chunk
of files becomes one segment and one commit, in the pipeline's order: the Whoosh commit, then the store.
Memory stays bounded whatever the corpus size: at most IN_FLIGHT_PER_WORKER chunks per worker are pending,
and each worker's posting pool spills to disk past the engine's WRITER_LIMIT_MB.
"""
from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from index.engine import StagedSegment, write_staged_segment
from index.library import Library
from ingest.errors import IngestError
from ingest.models import Document
from ingest.pipeline import FileOutcome, IngestReport, _commit, file_key, read_documents

MAX_CHUNK_FILES = 1000  # one chunk = one segment and one commit; bigger means fewer segments, more memory
MIN_CHUNKS_PER_WORKER = 4  # small corpora still spread over every worker
IN_FLIGHT_PER_WORKER = 2

Pending = tuple[Path, str, str, bytes]  # path, file key, sha256, content


def worker_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def ingest_parallel(files: list[Path], library: Library, report: IngestReport,
                    on_outcome: Callable[[FileOutcome], None] | None = None, workers: int | None = None) -> None:
    """Ingest `files` into `library`, appending each file's outcome to `report` (caller holds the write lock)."""
    workers = workers or worker_count()
    chunk_size = max(1, min(MAX_CHUNK_FILES, math.ceil(len(files) / (workers * MIN_CHUNKS_PER_WORKER))))
    index_directory = library.index.directory
    pending: deque[Future] = deque()
    # Workers fork from a single-threaded server process, never from this one: the API server ingests from a
    # thread pool, and forking a threaded process can copy a lock held by another thread.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ingest.parallel"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        chunk: list[Pending] = []
        for path in files:
            outcome, item = _check(path, library)
            if outcome is not None:
                _emit(report, on_outcome, outcome)
                continue
            chunk.append(item)
            if len(chunk) >= chunk_size:
                pending.append(pool.submit(index_chunk, index_directory, chunk))
                chunk = []
            while len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                _commit_chunk(pending.popleft().result(), library, report, on_outcome)
        if chunk:
            pending.append(pool.submit(index_chunk, index_directory, chunk))
        while pending:
            _commit_chunk(pending.popleft().result(), library, report, on_outcome)


def _check(path: Path, library: Library) -> tuple[FileOutcome | None, Pending | None]:
    """The cheap part, done here: read, hash, and skip files whose content is already ingested."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileOutcome(str(path), "failed", error=f"{path}: 无法读取文件({error.strerror or error})"), None
    key, sha = file_key(path), hashlib.sha256(data).hexdigest()
    state = library.store.file_state(key)
    if state is not None and state.sha256 == sha:
        return FileOutcome(str(path), "unchanged", doc_ids=state.doc_ids), None
    return None, (path, key, sha, data)


ChunkResult = tuple[list[tuple[FileOutcome, str, str, list[Document]]], list[FileOutcome], StagedSegment | None]


def index_chunk(index_directory: Path, chunk: list[Pending]) -> ChunkResult:
    """Worker side: parse and structure each file, then index all their documents into one staged segment."""
    parsed, failed = [], []
    for path, key, sha, data in chunk:
        try:
            documents = read_documents(path, data)
        except IngestError as error:
            failed.append(FileOutcome(str(path), "failed", error=str(error)))
            continue
        except Exception as error:  # a parser bug must not stop the batch; report it with the file
            failed.append(FileOutcome(str(path), "failed", error=f"{path}: 解析出错({type(error).__name__}: {error})"))
            continue
        outcome = FileOutcome(str(path), "ingested", [d.doc_id for d in documents], [d.title for d in documents])
        parsed.append((outcome, key, sha, documents))
    staged = write_staged_segment(index_directory, (d for *_, documents in parsed for d in documents))
    return parsed, failed, staged


def _commit_chunk(result: ChunkResult, library: Library, report: IngestReport, on_outcome) -> None:
    parsed, failed, staged = result
    for outcome in failed:
        _emit(report, on_outcome, outcome)
    _commit(parsed, library, report, on_outcome, staged=[staged] if staged else [])


def _emit(report: IngestReport, on_outcome, outcome: FileOutcome) -> None:
    report.outcomes.append(outcome)
    if on_outcome:
        on_outcome(outcome)
