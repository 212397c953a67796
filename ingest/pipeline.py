"""ingest_paths(): files → documents → index + store, one file's failure never stopping the batch.

Order of writes per batch: the Whoosh index commits first, then the store. A crash between the two leaves
index entries whose passages the store lacks (search skips them) and files not yet recorded as ingested, so
re-running the same ingest completes the work; the index upserts by passage id, so nothing is duplicated.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from index.library import Library
from ingest.errors import EmptyDocument, IngestError
from ingest.models import Document
from ingest.parsers import PARSERS, parse_file
from ingest.structure import build_documents

BATCH_FILES = 64
PARALLEL_MIN_FILES = 200  # below this, starting worker processes costs more than it saves
LOCK_WAIT_SECONDS = 600


@dataclass
class FileOutcome:
    path: str
    status: str  # ingested | unchanged | failed
    doc_ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

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


def read_documents(path: Path, data: bytes) -> list[Document]:
    """Parse and structure one file; raises IngestError naming the file."""
    documents: list[Document] = []
    for raw in parse_file(path, data):
        documents.extend(build_documents(raw))
    if not documents:
        raise EmptyDocument(str(path), "文件中没有可索引的正文")
    return documents


def file_key(path: Path) -> str:
    return str(path.resolve())


def ingest_paths(
    paths: Iterable[Path | str],
    library: Library,
    on_outcome: Callable[[FileOutcome], None] | None = None,
    lock_wait: float = LOCK_WAIT_SECONDS,
) -> IngestReport:
    report = IngestReport()
    lock = FileLock(library.write_lock_path, timeout=lock_wait)
    try:
        lock.acquire()
    except Timeout:
        raise IngestError(str(library.home), "另一个导入任务正在进行,等待超时") from None
    try:
        files = list(iter_files(Path(p) for p in paths))
        if len(files) >= PARALLEL_MIN_FILES:
            from ingest.parallel import ingest_parallel  # imports this module

            ingest_parallel(files, library, report, on_outcome)
            return report
        batch: list[tuple[FileOutcome, str, str, list[Document]]] = []
        for path in files:
            outcome, pending = _prepare(path, library)
            if pending is None:
                report.outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
                continue
            batch.append((outcome, *pending))
            if len(batch) >= BATCH_FILES:
                _commit(batch, library, report, on_outcome)
                batch = []
        _commit(batch, library, report, on_outcome)
    finally:
        lock.release()
    return report


def _prepare(path: Path, library: Library) -> tuple[FileOutcome, tuple[str, str, list[Document]] | None]:
    key = file_key(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileOutcome(str(path), "failed", error=f"{path}: 无法读取文件({error.strerror or error})"), None
    sha = hashlib.sha256(data).hexdigest()
    state = library.store.file_state(key)
    if state is not None and state.sha256 == sha:
        return FileOutcome(str(path), "unchanged", doc_ids=state.doc_ids), None
    try:
        documents = read_documents(path, data)
    except IngestError as error:
        return FileOutcome(str(path), "failed", error=str(error)), None
    except Exception as error:  # a parser bug must not stop the batch; report it with the file
        return FileOutcome(str(path), "failed", error=f"{path}: 解析出错({type(error).__name__}: {error})"), None
    outcome = FileOutcome(str(path), "ingested", [d.doc_id for d in documents], [d.title for d in documents])
    return outcome, (key, sha, documents)


def _commit(batch, library: Library, report: IngestReport, on_outcome, staged=()) -> None:
    """`staged`: segments a worker already indexed the batch's documents into (see ingest/parallel.py)."""
    if not batch:
        return
    store = library.store
    added = [document for *_, documents in batch for document in documents]
    new_ids = {document.doc_id for document in added}
    stale: set[str] = set()
    for _, key, _, _ in batch:
        state = store.file_state(key)
        if state:
            stale.update(doc_id for doc_id in state.doc_ids if doc_id not in new_ids)
    removed = [doc_id for doc_id in stale if not _referenced_elsewhere(store, doc_id, batch)]
    library.index.update(added, removed, staged)
    for outcome, key, sha, documents in batch:
        store.replace_file(key, sha, documents)
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)


def _referenced_elsewhere(store, doc_id: str, batch) -> bool:
    keys = {key for _, key, _, _ in batch}
    rows = store.db.execute("SELECT path FROM file_documents WHERE doc_id = ?", (doc_id,)).fetchall()
    return any(row[0] not in keys for row in rows)
