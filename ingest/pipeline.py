"""ingest_paths(): files → documents → index + store, one file's failure never stopping the batch.

Order of writes per batch: the Whoosh index commits first, then the store. A crash between the two leaves
index entries whose passages the store lacks (search skips them) and files not yet recorded as ingested, so
re-running the same ingest completes the work; the index upserts by passage id, so nothing is duplicated.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from index.case_store import CaseStore
from index.library import Library
from ingest.dedup import link_near_duplicates
from ingest.errors import EmptyDocument, IngestError
from ingest.models import Document
from ingest.parsers import PARSERS, parse
from ingest.structure import build_documents

BATCH_FILES = 64
LOCK_WAIT_SECONDS = 600


@dataclass
class FileOutcome:
    path: str
    status: str  # ingested | unchanged | failed
    doc_ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    error: str | None = None
    problems: list[FileOutcome] = field(default_factory=list)  # broken parts (JSONL lines) of an ingested file


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
    return read_file(path, data)[0]


def read_file(path: Path, data: bytes) -> tuple[list[Document], list[IngestError]]:
    """Like read_documents, plus the problems with parts of the file that were skipped."""
    parsed = parse(path, data)
    documents: list[Document] = []
    for raw in parsed.documents:
        documents.extend(build_documents(raw))
    if not documents:
        raise EmptyDocument(str(path), "文件中没有可索引的正文")
    return documents, parsed.problems


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
        batch: list[tuple[FileOutcome, str, str, list[Document]]] = []
        for path in iter_files(Path(p) for p in paths):
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
        documents, problems = read_file(path, data)
    except IngestError as error:
        return FileOutcome(str(path), "failed", error=str(error)), None
    except Exception as error:  # noqa: BLE001 - a parser bug must not stop the batch; report it with the file
        return FileOutcome(str(path), "failed", error=f"{path}: 解析出错({type(error).__name__}: {error})"), None
    outcome = FileOutcome(str(path), "ingested", [d.doc_id for d in documents], [d.title for d in documents])
    outcome.problems = [FileOutcome(problem.path, "failed", error=str(problem)) for problem in problems]
    return outcome, (key, sha, documents)


def _commit(batch, library: Library, report: IngestReport, on_outcome) -> None:
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
    signatures = link_near_duplicates(added, store, exclude=set(removed))
    library.index.update(added, removed)
    dropped: list[str] = []
    for outcome, key, sha, documents in batch:
        dropped += store.replace_file(key, sha, documents)
        ids = {document.doc_id for document in documents}
        for own in signatures:
            if own.doc_id in ids:
                store.save_signature(own.doc_id, own.to_bytes(), own.bands)
        for reported in (outcome, *outcome.problems):
            report.outcomes.append(reported)
            if on_outcome:
                on_outcome(reported)
    _update_cases(library, [document.doc_id for document in added], dropped)


def _update_cases(library: Library, doc_ids: list[str], removed: list[str]) -> None:
    """Cases follow their documents; an extraction bug is logged and retried later, never failing the ingest."""
    cases = CaseStore(library.store)
    cases.remove_documents(removed)
    for doc_id in dict.fromkeys(doc_ids):
        try:
            cases.replace_document(doc_id)
        except Exception:  # the document is stored; `ensure_extracted` tries it again on the next lookup
            logging.getLogger(__name__).exception("案例提取失败:%s", doc_id)


def _referenced_elsewhere(store, doc_id: str, batch) -> bool:
    keys = {key for _, key, _, _ in batch}
    rows = store.db.execute("SELECT path FROM file_documents WHERE doc_id = ?", (doc_id,)).fetchall()
    return any(row[0] not in keys for row in rows)
