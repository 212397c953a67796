"""ingest_paths(): files → documents → index + store, one file's failure never stopping the batch.

Order of writes per batch (see index/visibility.py and docs/reliability.md): the index adds the batch's
documents, then ONE store transaction records the whole batch (the commit point readers see), then the index
drops what the store no longer has. A crash before the store commit leaves index entries readers never see
and files not recorded as ingested, so re-running the same ingest completes the work; the index upserts by
passage id, so nothing is duplicated. Each file is parsed in a worker with time and memory limits (guard.py).
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.case_store import CaseStore
from index.library import Library
from index.visibility import finish_interrupted, hide_unstored, mark_dirty
from ingest.dedup import link_near_duplicates
from ingest.errors import EmptyDocument, IngestError
from ingest.guard import ParseGuard, ParseLimits
from ingest.models import Document
from ingest.parsers import PARSERS, parse
from ingest.structure import build_documents

BATCH_FILES = 64
LOCK_WAIT_SECONDS = 600
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
    on_wait: Callable[[str], None] | None = None,
    limits: ParseLimits | None = None,
    guarded: bool = True,
    sources: Mapping[str, str] | None = None,
) -> IngestReport:
    """Ingest files and folders. `on_wait` hears a message if another writer holds the lock (raises
    WriteLockTimeout after `lock_wait` s); with `guarded`, files are parsed in a worker under `limits` (default:
    from the environment, see ingest/guard.py); `sources` names what users see for a path (uploads)."""
    report = IngestReport()

    def finish(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        log.info("ingest_file", extra={"path": outcome.path, "source": (sources or {}).get(outcome.path),
                                       "status": outcome.status, "documents": len(outcome.doc_ids),
                                       "seconds": round(outcome.seconds, 3), "error": outcome.error})
        if on_outcome:
            on_outcome(outcome)

    parse = _Parser(limits or ParseLimits.from_env() if guarded else None)
    try:
        with library.writing(lock_wait, on_wait):
            batch: list[tuple[FileOutcome, str, str, list[Document]]] = []
            for path in iter_files(Path(p) for p in paths):
                outcome, pending = _prepare(path, library, parse, (sources or {}).get(str(path)))
                if pending is None:
                    finish(outcome)
                    continue
                batch.append((outcome, *pending))
                if len(batch) >= BATCH_FILES:
                    _commit(batch, library, finish)
                    batch = []
            _commit(batch, library, finish)
            finish_interrupted(library)  # a killed earlier run may have left step 3 undone
    finally:
        parse.close()
    return report


class _Parser:
    """read_documents, in a guard worker when limits are set; the worker pool starts on the first file parsed."""

    def __init__(self, limits: ParseLimits | None):
        self.limits = limits
        self.guard: ParseGuard | None = None

    def __call__(self, path: Path, data: bytes) -> tuple[list[Document], list[IngestError]]:
        if self.limits is None:
            return read_file(path, data)
        if self.guard is None:
            self.guard = ParseGuard(self.limits)
        return self.guard.run(read_file, path, data)

    def close(self) -> None:
        if self.guard is not None:
            self.guard.close()


def _prepare(
    path: Path, library: Library, parse: _Parser, source: str | None
) -> tuple[FileOutcome, tuple[str, str, list[Document]] | None]:
    started = time.perf_counter()
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
        documents, problems = parse(path, data)
    except IngestError as error:
        return FileOutcome(str(path), "failed", error=str(error), seconds=time.perf_counter() - started), None
    except Exception as error:  # noqa: BLE001 - a parser bug must not stop the batch; report it with the file
        return FileOutcome(str(path), "failed", error=f"{path}: 解析出错({type(error).__name__}: {error})",
                           seconds=time.perf_counter() - started), None
    for document in documents if source else ():
        document.source = source
    outcome = FileOutcome(str(path), "ingested", [d.doc_id for d in documents], [d.title for d in documents],
                          seconds=time.perf_counter() - started)
    outcome.problems = [FileOutcome(problem.path, "failed", error=str(problem)) for problem in problems]
    return outcome, (key, sha, documents)


def _commit(batch, library: Library, finish: Callable[[FileOutcome], None]) -> None:
    """The three steps of index/visibility.py: index add → one store transaction → index drops the unstored."""
    if not batch:
        return
    store = library.store
    added = [document for *_, documents in batch for document in documents]
    replaced = {doc_id for _, key, _, _ in batch if (state := store.file_state(key)) for doc_id in state.doc_ids}
    signatures = link_near_duplicates(added, store, exclude=replaced - {document.doc_id for document in added})
    library.index.update(added)
    dropped: list[str] = []
    with store.transaction() as db:
        mark_dirty(library, db)
        for _, key, sha, documents in batch:
            dropped += store.replace_file_in(db, key, sha, documents)
        for signature in signatures:
            store.save_signature(signature.doc_id, signature.to_bytes(), signature.bands, db)
    hide_unstored(library)
    _update_cases(library, [document.doc_id for document in added], dropped)
    for outcome, *_ in batch:
        for reported in (outcome, *outcome.problems):
            finish(reported)


def _update_cases(library: Library, doc_ids: list[str], removed: list[str]) -> None:
    """Cases follow their documents; an extraction bug is logged and retried later, never failing the ingest."""
    cases = CaseStore(library.store)
    cases.remove_documents(removed)
    for doc_id in dict.fromkeys(doc_ids):
        try:
            cases.replace_document(doc_id)
        except Exception:  # the document is stored; `ensure_extracted` retries on the next lookup
            log.exception("案例提取失败:%s", doc_id)
