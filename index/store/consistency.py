"""`redprop check` and `redprop reindex`: the store and the index must hold the same documents and passages.

The store is the source of truth (it keeps the text); the index can always be rebuilt from it without
re-parsing any file. Rebuilding is one Whoosh commit that replaces every segment, so readers see the old
index or the new one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from index.engine.schema import INDEX_FORMAT, document_fields
from index.store import freshness
from index.store.library import Library
from index.store.visibility import mark_clean, mark_dirty
from ingest.datafiles import Effect

PROGRESS_EVERY = 100
INDEX_FORMAT_KEY = "index_format"


@dataclass
class Consistency:
    store_documents: int = 0
    index_documents: int = 0
    missing_from_index: list[str] = field(default_factory=list)  # in the store, not in the index
    unstored_in_index: list[str] = field(default_factory=list)  # in the index, not in the store
    passage_mismatch: dict[str, tuple[int, int]] = field(default_factory=dict)  # doc_id → (store, index)

    @property
    def ok(self) -> bool:
        return not (self.missing_from_index or self.unstored_in_index or self.passage_mismatch)

    def to_json(self) -> dict:
        return {
            "ok": self.ok, "store_documents": self.store_documents, "index_documents": self.index_documents,
            "missing_from_index": self.missing_from_index, "unstored_in_index": self.unstored_in_index,
            "passage_mismatch": {doc_id: {"store": s, "index": i} for doc_id, (s, i) in self.passage_mismatch.items()},
        }


def check(library: Library) -> Consistency:
    """Compare passage counts per document; reads every stored field of the index (a full scan)."""
    store_counts = library.store.passage_counts()
    index_counts = library.index.passage_counts()
    report = Consistency(len(store_counts), len(index_counts))
    report.missing_from_index = sorted(set(store_counts) - set(index_counts))
    report.unstored_in_index = sorted(set(index_counts) - set(store_counts))
    report.passage_mismatch = {
        doc_id: (store_counts[doc_id], index_counts[doc_id])
        for doc_id in sorted(set(store_counts) & set(index_counts))
        if store_counts[doc_id] != index_counts[doc_id]
    }
    # A stored document without passages has nothing to index: it is consistent, not missing.
    report.missing_from_index = [d for d in report.missing_from_index if store_counts[d] > 0]
    return report


def rebuild(library: Library, on_progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the store in one commit; the caller holds the write lock.

    The new index has the current schema (index/engine/schema.py), whatever the old one had: this is also how an
    index written by an older version is upgraded. Returns the number of documents indexed;
    `on_progress` hears how many documents were added so far.
    """
    with library.store.transaction() as db:
        mark_dirty(library, db)
    count = 0

    def passages() -> Iterator[dict]:
        nonlocal count
        for document in library.store.iter_documents():
            yield from document_fields(document)
            count += 1
            if on_progress and count % PROGRESS_EVERY == 0:
                on_progress(count)

    library.index.replace_all(passages())
    library.store.set_meta(INDEX_FORMAT_KEY, str(INDEX_FORMAT))
    freshness.record(library.store, Effect.INDEX)
    mark_clean(library)
    return count


def upgrade(library: Library, on_progress: Callable[[int], None] | None = None) -> bool:
    """Rebuild the index if an older version wrote it (its format is not INDEX_FORMAT) or a data file it was
    analysed with has changed since (index/store/freshness.py); the caller holds the write lock. Readers see
    the old index until the rebuilt one is committed."""
    store = library.store
    fresh = store.get_meta(INDEX_FORMAT_KEY) == str(INDEX_FORMAT) and not freshness.stale(store, Effect.INDEX)
    if fresh and freshness.recorded(store, Effect.INDEX) is not None:
        return False
    if store.count_documents() or library.index.exists():
        rebuild(library, on_progress)
    else:  # nothing stored or indexed yet: what comes will be analysed with the current files
        store.set_meta(INDEX_FORMAT_KEY, str(INDEX_FORMAT))
        freshness.record(store, Effect.INDEX)
    return True
