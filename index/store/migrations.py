"""The store's schema, as numbered migrations: the one place any table of the SQLite store is created or changed.

`PRAGMA user_version` holds the number of the last migration applied. Writers (ingest, delete, reindex, the
server's start-up) call `migrate()` under the data folder's write lock; readers never do: they open a store
at exactly LATEST (Store raises StoreVersionError otherwise, naming what to run). A new table or column is a
new Migration appended to MIGRATIONS — never an edit of one that has shipped, since stores in the field have
already applied it.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str = ""
    apply: Callable[[sqlite3.Connection], None] | None = None  # for what SQL alone cannot say (add if missing)


# 1: the document store as it was before versioning (IF NOT EXISTS: a store written then is adopted as is).
DOCUMENTS = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    date TEXT,
    date_inferred INTEGER NOT NULL DEFAULT 0,
    places TEXT NOT NULL DEFAULT '[]',
    on_topic INTEGER NOT NULL DEFAULT 1,
    byline TEXT,
    publisher TEXT,
    url TEXT,
    captions TEXT NOT NULL DEFAULT '[]',
    canonical_id TEXT,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS passages (
    passage_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    heading TEXT,
    clause TEXT,
    chapter TEXT,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS file_documents (
    path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    PRIMARY KEY (path, doc_id)
);
CREATE INDEX IF NOT EXISTS file_documents_doc ON file_documents(doc_id);
-- Near-duplicate detection (ingest/dedup.py): each document's MinHash and its LSH band keys.
CREATE TABLE IF NOT EXISTS signatures (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    minhash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS signature_bands (
    band TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    PRIMARY KEY (band, doc_id)
);
CREATE INDEX IF NOT EXISTS signature_bands_doc ON signature_bands(doc_id);
-- Small key/value facts about the data folder (which index generation matches the store, fingerprints).
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""

# 2: cases (index/store/case_store.py); `case_runs` says which extractor version read each document.
CASES = """
CREATE TABLE IF NOT EXISTS cases (
    case_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    title TEXT NOT NULL,
    place TEXT NOT NULL,
    place_chain TEXT NOT NULL,
    themes TEXT NOT NULL,
    year INTEGER,
    search_text TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_doc ON cases(doc_id);
CREATE TABLE IF NOT EXISTS case_practices (
    case_id TEXT NOT NULL REFERENCES cases(case_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    practice_key TEXT NOT NULL,
    passage_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS case_practices_key ON case_practices(practice_key);
CREATE TABLE IF NOT EXISTS case_metrics (
    case_id TEXT NOT NULL REFERENCES cases(case_id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    scope TEXT NOT NULL,
    evidence TEXT NOT NULL,
    passage_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS case_metrics_indicator ON case_metrics(indicator);
CREATE TABLE IF NOT EXISTS case_runs (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    version INTEGER NOT NULL
);
"""

# 3: collections (index/store/collections.py): items keep stable ids and deliberately no foreign key.
COLLECTIONS = """
CREATE TABLE IF NOT EXISTS collections (
    collection_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    edit_key TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS collection_items (
    item_id INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id TEXT NOT NULL REFERENCES collections(collection_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('document', 'passage', 'case')),
    ref TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS collection_items_order ON collection_items(collection_id, position);
"""


def add_columns(table: str, columns: dict[str, str]) -> Callable[[sqlite3.Connection], None]:
    """ALTER TABLE … ADD COLUMN for those `columns` the table lacks (a store from a build that added them
    before migrations existed already has them); existing rows get the default."""
    def apply(db: sqlite3.Connection) -> None:
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for name, definition in columns.items():
            if name not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")
    return apply


def add_document_metadata(db: sqlite3.Connection) -> None:
    """Topic label and score, date source, policy subtype and place evidence (ingest/structure.py), and each
    passage's kind (text, caption, byline, furniture). Old rows get a topic from on_topic until re-ingested."""
    present = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
    add_columns("documents", {"topic": "TEXT", "topic_score": "REAL", "date_source": "TEXT",
                              "policy_subtype": "TEXT", "place_evidence": "TEXT NOT NULL DEFAULT '[]'"})(db)
    add_columns("passages", {"kind": "TEXT NOT NULL DEFAULT 'text'"})(db)
    if "topic" not in present:
        db.execute("UPDATE documents SET topic = CASE WHEN on_topic THEN 'red-property' ELSE 'unrelated' END")


# 6: regulation metadata (ingest/regulation.py): who issued it, level, place, history dates.
REGULATIONS = """
CREATE TABLE IF NOT EXISTS regulations (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    info TEXT NOT NULL
);
"""

# 7: related terms learned from the corpus (index/store/related_terms.py), replaced whole when learned again.
RELATED_TERMS = """
CREATE TABLE IF NOT EXISTS related_terms (
    word TEXT NOT NULL,
    related TEXT NOT NULL,
    score REAL NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (word, related)
) WITHOUT ROWID;
"""

# 8: a repost group's members are looked up for every hit shown (index/results/context.py group_members); without
# this index each lookup read the whole documents table (12% of a search's CPU at 5k documents, growing with them).
CANONICAL_INDEX = "CREATE INDEX IF NOT EXISTS documents_canonical ON documents(canonical_id);"


RECOMPUTE_BATCH = 500  # documents re-signed at a time


def recompute_signatures(db: sqlite3.Connection) -> None:
    """Every stored repost signature and its band keys again, with ingest/dedup.py's current scheme, from the
    stored title and text passages (what ingest signed): signatures of two schemes never compare, so a library
    kept from before would stop finding reposts of what it holds. A batch of documents at a time."""
    doc_ids = [row[0] for row in db.execute("SELECT doc_id FROM signatures ORDER BY doc_id")]
    if not doc_ids:
        return  # also a reader's empty in-memory store: no import of the hashing for it
    from ingest.dedup import text_signature

    db.execute("DELETE FROM signature_bands")
    for start in range(0, len(doc_ids), RECOMPUTE_BATCH):
        batch = doc_ids[start:start + RECOMPUTE_BATCH]
        rows = db.execute(
            "SELECT d.doc_id, d.title, p.text FROM documents d LEFT JOIN passages p "
            "ON p.doc_id = d.doc_id AND p.kind = 'text' "
            f"WHERE d.doc_id IN ({', '.join('?' * len(batch))}) ORDER BY d.doc_id, p.ordinal",
            batch,
        ).fetchall()
        for doc_id, group in groupby(rows, key=itemgetter(0)):
            group = list(group)
            signature = text_signature(doc_id, group[0][1], "\n".join(text for *_, text in group if text is not None))
            if signature is None:  # too short to compare now
                db.execute("DELETE FROM signatures WHERE doc_id = ?", (doc_id,))
                continue
            db.execute("UPDATE signatures SET minhash = ? WHERE doc_id = ?", (signature.to_bytes(), doc_id))
            db.executemany("INSERT INTO signature_bands(band, doc_id) VALUES (?, ?)",
                           [(band, doc_id) for band in signature.bands])


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "documents, passages, files, signatures, meta", DOCUMENTS),
    Migration(2, "cases, practices, metrics, extractor runs", CASES),
    Migration(3, "collections and their items", COLLECTIONS),
    Migration(4, "case metrics: the previous value and whether the figure is approximate",
              apply=add_columns("case_metrics", {"previous": "REAL", "approx": "INTEGER NOT NULL DEFAULT 0"})),
    Migration(5, "document metadata: topic label and score, date source, policy subtype, place evidence; passage kinds",
              apply=add_document_metadata),
    Migration(6, "regulation metadata", REGULATIONS),
    Migration(7, "related terms learned from co-occurrence", RELATED_TERMS),
    Migration(8, "index of documents by canonical_id (repost groups)", CANONICAL_INDEX),
    Migration(9, "repost signatures recomputed with the vectorised MinHash (ingest/dedup.py SCHEME)",
              apply=recompute_signatures),
)
LATEST = MIGRATIONS[-1].version


class StoreVersionError(RuntimeError):
    """The store is not at LATEST: readers refuse it with what to run, they never migrate it."""

    def __init__(self, path: Path, found: int):
        if found > LATEST:
            reason = f"由更新的版本写入(存储版本 {found},本程序支持 {LATEST});请升级 redprop"
        else:
            reason = (f"由旧版本写入(存储版本 {found},当前 {LATEST});"
                      "请运行 redprop migrate(或 redprop ingest / 启动服务)升级后再查询")
        super().__init__(f"{path}: 存储{reason}")
        self.path = path
        self.found = found


def schema_version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(path: Path) -> list[Migration]:
    """Apply the migrations `path` lacks, each in its own transaction with its version stamp; the caller holds
    the write lock. Creates the store if there is none. Returns what was applied."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")  # persistent: set once here, so readers never write the header
        found = schema_version(db)
        if found > LATEST:
            raise StoreVersionError(path, found)
        applied = []
        for migration in MIGRATIONS:
            if migration.version <= found:
                continue
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in split_statements(migration.sql):
                    db.execute(statement)
                if migration.apply is not None:
                    migration.apply(db)
                db.execute(f"PRAGMA user_version = {migration.version}")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            applied.append(migration)
        return applied
    finally:
        db.close()


def split_statements(script: str) -> list[str]:
    """The script's statements one by one (executescript would commit the open transaction first)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return [s for s in statements if s]
