"""Changing the corpus: store uploads safely, delete a document, rebuild the index. Shared by API and CLI.

Every write holds the data folder's write lock and follows index/store/visibility.py's order, so readers see the
old or the new state. Uploaded files are saved under generated names (the client's name is only shown).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from index.store.library import Library
from index.store.visibility import mark_clean, mark_dirty
from ingest.errors import UnsupportedFormat
from ingest.guard import ParseLimits
from search_api.errors import NotFound

MAX_SOURCE_CHARS = 200
UNNAMED_UPLOAD = "上传文件"
# A suffix we keep on the stored copy so the parser registry can pick the format; anything else is dropped.
SAFE_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")


@dataclass
class Upload:
    name: str  # what the client called it: shown as `source`, never used as a path
    data: bytes


def display_name(client_name: str | None) -> str:
    """The client's file name reduced to a printable base name (no folders, no control characters)."""
    base = PurePosixPath((client_name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:MAX_SOURCE_CHARS] or UNNAMED_UPLOAD


def stored_path(uploads_dir: Path, upload: Upload) -> Path:
    """uploads/<sha256><suffix>: same bytes → same file, so a repeated upload is 'unchanged'."""
    suffix = PurePosixPath(display_name(upload.name)).suffix.lower()
    suffix = suffix if SAFE_SUFFIX.match(suffix) else ""
    return uploads_dir / f"{hashlib.sha256(upload.data).hexdigest()}{suffix}"


def ingest_uploads(library: Library, uploads_dir: Path, uploads: list[Upload], limits: ParseLimits,
                   lock_wait: float, workers: int | None = None) -> dict:
    """Save and ingest uploaded files; the answer has the shape of `redprop ingest --json`, named by client name."""
    from index.write.pipeline import IngestReport, ingest_paths
    from ingest.parsers import parser_for  # ingestion loads on the first write: the search server starts without it

    uploads_dir.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    paths: list[Path] = []
    unsupported: list[dict] = []
    for upload in uploads:
        name = display_name(upload.name)
        path = stored_path(uploads_dir, upload)
        try:
            parser_for(path)
        except UnsupportedFormat:  # not written to disk at all; the message names the client's file
            unsupported.append({"path": name, "error": str(_unsupported(name))})
            continue
        if not path.exists():
            temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")  # concurrent uploads never collide
            temporary.write_bytes(upload.data)
            temporary.replace(path)
        names[str(path)] = name
        paths.append(path)
    report = (ingest_paths(paths, library, lock_wait=lock_wait, limits=limits, sources=names, workers=workers)
              if paths else IngestReport())
    return _renamed(report.to_json(), names, unsupported)


def fetched_path(fetched_dir: Path, url: str, suffix: str) -> Path:
    """fetched/<sha256 of the URL><suffix>: one file per address, so fetching an unchanged page again is
    'unchanged' and a changed one replaces what that address gave before."""
    return fetched_dir / f"{hashlib.sha256(url.encode('utf-8')).hexdigest()}{suffix}"


def ingest_urls(library: Library, fetched_dir: Path, urls: list[str], limits: ParseLimits, lock_wait: float,
                on_outcome: Callable | None = None, max_bytes: int | None = None,
                allow_private: bool | None = None) -> dict:
    """Fetch (ingest/fetch.py) and ingest documents by URL; the answer has the shape of `redprop ingest --json`,
    each entry named by its URL. A URL that cannot be fetched is a failed entry; the others go on."""
    from index.write.pipeline import IngestReport, ingest_paths
    from ingest.errors import IngestError
    from ingest.fetch import fetch  # ingestion loads on the first write: the search server starts without it

    fetched_dir.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    addresses: dict[str, str] = {}
    paths: list[Path] = []
    failed: list[dict] = []
    for url in dict.fromkeys(url.strip() for url in urls if url.strip()):
        try:
            found = fetch(url, max_bytes, allow_private)
        except IngestError as error:
            failed.append({"path": url, "error": str(error)})
            continue
        path = fetched_path(fetched_dir, url, found.suffix)
        if not path.exists() or path.read_bytes() != found.data:
            temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
            temporary.write_bytes(found.data)
            temporary.replace(path)
        names[str(path)] = url
        addresses[str(path)] = found.url
        paths.append(path)
    def named(outcome):  # the CLI prints each outcome: by its URL, not the file it was kept in
        if on_outcome is not None:
            name = names.get(outcome.path, outcome.path)
            on_outcome(replace(outcome, path=name, error=(outcome.error or "").replace(outcome.path, name) or None))

    report = ingest_paths(paths, library, lock_wait=lock_wait, limits=limits, sources=names, urls=addresses,
                          on_outcome=named) if paths else IngestReport()
    return _renamed(report.to_json(), names, failed)


def _unsupported(name: str) -> UnsupportedFormat:
    from ingest.parsers import parser_for

    try:
        parser_for(Path(name))
    except UnsupportedFormat as error:
        return error
    return UnsupportedFormat(name, "不支持的文件类型")


def _renamed(answer: dict, names: dict[str, str], unsupported: list[dict]) -> dict:
    """Replace internal storage paths by the client's names, in paths and in error messages."""
    for status in ("ingested", "unchanged"):
        for entry in answer[status]:
            entry["path"] = names.get(entry["path"], entry["path"])
    failed = []
    for entry in answer["failed"]:
        internal = entry["path"]
        name = names.get(internal, internal)
        failed.append({"path": name, "error": (entry["error"] or "").replace(internal, name)})
    answer["failed"] = failed + unsupported
    return answer


def refresh_related(library: Library) -> None:
    from index.write import related_terms  # scipy: loaded by writers only, not at every command's start-up

    related_terms.refresh(library)


def delete_document(library: Library, doc_id: str, lock_wait: float, uploads_dir: Path | None = None) -> dict:
    """Remove a document from the store (the commit point), then from the index, leaving nothing behind: its
    cases and signatures go with it, its uploaded file (under `uploads_dir`) once no document comes from it,
    and its reposts are regrouped under a new original, which gets the cases."""
    from index.store.case_store import CaseStore

    with library.writing(lock_wait):
        with library.store.transaction() as db:
            mark_dirty(library, db)
        deletion = library.store.delete_document(doc_id)
        if deletion is None:
            mark_clean(library)
            raise NotFound(f"没有编号为 {doc_id} 的文档")
        regrouped = [document for d in deletion.regrouped if (document := library.store.get_document(d))]
        library.index.update(regrouped, [doc_id])  # their group_id follows the new canonical_id
        mark_clean(library)
        if deletion.regrouped:
            CaseStore(library.store).extract_pending(deletion.regrouped[:1])
        refresh_related(library)
        removed = _remove_uploads(deletion.emptied_files, uploads_dir)
    return {"deleted": doc_id, "removed_files": len(removed), "regrouped": deletion.regrouped}


def _remove_uploads(file_keys: list[str], uploads_dir: Path | None) -> list[Path]:
    """Unlink those of the files that are our copies of uploads; files ingested from elsewhere are the user's."""
    if uploads_dir is None:
        return []
    root = uploads_dir.resolve()
    removed = []
    for key in file_keys:
        path = Path(key)
        if path.parent == root and path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def forget_files(library: Library, paths: list[Path], lock_wait: float) -> list[str]:
    """Remove the documents only these (deleted) files held: store first (the commit point), then the index."""
    from index.write.pipeline import file_key

    with library.writing(lock_wait):
        with library.store.transaction() as db:
            mark_dirty(library, db)
            dropped = [doc_id for path in paths for doc_id in library.store.forget_file_in(db, file_key(path))]
        if dropped:
            library.index.update([], dropped)
        mark_clean(library)
        refresh_related(library)
    return dropped


def reindex(library: Library, lock_wait: float, on_wait: Callable[[str], None] | None = None,
            on_progress: Callable[[int], None] | None = None) -> dict:
    from index.store.case_store import CaseStore
    from index.store.consistency import rebuild
    from index.write.pipeline import rebuild_stale

    with library.writing(lock_wait, on_wait):
        count = rebuild(library, on_progress)
        rebuild_stale(library)  # cases built with edited data files are extracted again
        CaseStore(library.store).extract_pending()  # and those never extracted (or by an older extractor)
        refresh_related(library)
    return {"reindexed_documents": count, "indexed_passages": library.index.doc_count()}
