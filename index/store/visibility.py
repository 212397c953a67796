"""What a reader may see: exactly the documents in the store. The store transaction is the commit point.

Write protocol (ingest batch, delete, reindex), always under the library's write lock:
  1. index: add the batch's documents (upsert by passage id); remove nothing yet;
  2. store: one transaction for the whole batch that also marks the index "dirty" ← the commit point;
  3. index: remove every document the store no longer has; store: record "index clean at generation G".
So at every instant the index holds every stored document, plus possibly some the store does not (yet or
any more). A reader takes the process's searcher (index/engine/live.py: opened once, refreshed to the latest
generation) and asks the store: if the index is clean at that searcher's
generation, nothing is hidden (the fast path, one SQLite read); otherwise index documents missing from the
store are masked, and if the store holds documents the searcher lacks (it was opened before step 1 of a
batch that has since committed) the searcher is refreshed. A crash anywhere leaves the old or the new state.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from index.engine import nodes as q
from index.engine.nodes import Searcher
from index.store.library import Library

CLEAN_GENERATION_KEY = "index_clean_generation"
REFRESH_ATTEMPTS = 3


def mark_dirty(library: Library, db: sqlite3.Connection) -> None:
    """Inside the batch's store transaction: the index may differ from the store until mark_clean()."""
    library.store.set_meta(CLEAN_GENERATION_KEY, None, db)


def mark_clean(library: Library) -> None:
    library.store.set_meta(CLEAN_GENERATION_KEY, str(library.index.index.latest_generation()))


def indexed_doc_ids(searcher: Searcher) -> set[str]:
    """doc_ids in the index's term list (cheap; may still name documents deleted since the last merge)."""
    return set(searcher.reader().field_terms("doc_id"))


def hide_unstored(library: Library, candidates: Iterable[str] | None = None) -> list[str]:
    """Step 3: delete from the index every document the store lacks (also what a crash left behind).

    `candidates`: when the index was clean before this write, the only documents that can have left the store
    (those the write replaced or deleted); checking them alone keeps a batch's cost independent of the corpus.
    """
    if candidates is not None:
        extra = sorted(set(candidates) - library.store.doc_ids_among(candidates))
    else:
        with library.index.searcher() as searcher:
            extra = sorted(indexed_doc_ids(searcher) - library.store.doc_ids())
    if extra:
        library.index.update([], extra)
    mark_clean(library)
    return extra


def is_clean(library: Library) -> bool:
    return library.store.get_meta(CLEAN_GENERATION_KEY) == str(library.index.index.latest_generation())


def finish_interrupted(library: Library) -> list[str]:
    """If a writer died between steps 1 and 3, do step 3 now (the caller holds the write lock)."""
    return [] if is_clean(library) else hide_unstored(library)


@contextmanager
def visible_searcher(library: Library) -> Iterator[tuple[Searcher, q.Query | None]]:
    """The process's long-lived searcher (index/engine/live.py), held for this query, and the mask (or None) that
    hides documents not in the store. Column arrays for it: library.index.live.columns(), inside the block."""
    live = library.index.live
    with live.holding():
        searcher = live.current()
        for _ in range(REFRESH_ATTEMPTS):
            mask, complete = _mask(library, searcher)
            if complete or searcher.up_to_date():
                break
            searcher = live.refresh()  # closes what the old searcher no longer shares
        yield searcher, mask


def _mask(library: Library, searcher: Searcher) -> tuple[q.Query | None, bool]:
    """(mask, whether the searcher holds every stored document), read from one store snapshot."""
    db = library.store.db
    db.execute("BEGIN")
    try:
        clean = db.execute("SELECT value FROM meta WHERE key = ?", (CLEAN_GENERATION_KEY,)).fetchone()
        if clean is not None and clean[0] == str(searcher.reader().generation()):
            return None, True
        store_ids = {row[0] for row in db.execute("SELECT doc_id FROM documents")}
    finally:
        db.execute("COMMIT")
    index_ids = indexed_doc_ids(searcher)
    hidden = index_ids - store_ids
    mask = q.Or([q.Term("doc_id", doc_id) for doc_id in sorted(hidden)]) if hidden else None
    return mask, store_ids <= index_ids
