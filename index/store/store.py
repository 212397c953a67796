"""The SQLite document store: documents, passages and which file they came from.

The store keeps the original text for display and is the source the Whoosh index can be rebuilt from
without re-parsing files. Identical content from two files is one document linked to both files. Its tables
are created and changed only by index/store/migrations.py, run by writers; opening a store never writes.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from index.store.migrations import LATEST, MIGRATIONS, StoreVersionError, migrate, schema_version, split_statements
from ingest.models import DocType, Document, Passage, PassageKind, PolicySubtype

SQL_VARIABLES = 500  # ids per `IN (...)` list, well under SQLite's limit on a statement's variables
DOCUMENT_COLUMNS = (
    "doc_id, source, path, title, doc_type, date, date_inferred, places, on_topic, byline, publisher, url, "
    "captions, canonical_id, topic, topic_score, date_source, policy_subtype, place_evidence"
)
@dataclass
class FileState:
    sha256: str
    doc_ids: list[str]


@dataclass
class Deletion:
    doc_id: str
    emptied_files: list[str]  # file keys no document comes from any more
    regrouped: list[str]  # former reposts of the document: the first is now the original the others point to


class Store:
    """One SQLite database under the data folder; a connection per thread, WAL so readers never block.

    Opening never writes: a store at another schema version raises StoreVersionError on first use, and a data
    folder with no store yet reads as empty (an in-memory database at the latest schema) until a writer
    creates the file with migrate().
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    def migrate(self) -> list:
        """Create the store or bring its schema up to date; writers only, under the write lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        applied = migrate(self.path)
        self.close()
        return applied

    def schema_version(self) -> int | None:
        """The file's schema version, None when there is no store file yet (read without opening for use)."""
        if not self.path.exists():
            return None
        db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return schema_version(db)
        finally:
            db.close()

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is not None and getattr(self._local, "placeholder", False) and self.path.exists():
            self.close()  # a writer has created the store since: read the file from now on
            connection = None
        if connection is None:
            self._local.placeholder = not self.path.exists()
            connection = _empty_store() if self._local.placeholder else self._open()
            connection.row_factory = sqlite3.Row
            self._local.connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        found = schema_version(connection)
        if found != LATEST:
            connection.close()
            raise StoreVersionError(self.path, found)
        connection.execute("PRAGMA foreign_keys=ON")  # both per connection: nothing is written to the file
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction. The first write to a data folder without a store creates it (migrate())."""
        if not self.path.exists():
            self.migrate()
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- files -------------------------------------------------------------------------------------

    def file_state(self, path: str) -> FileState | None:
        row = self.db.execute("SELECT sha256 FROM files WHERE path = ?", (path,)).fetchone()
        if row is None:
            return None
        ids = [r[0] for r in self.db.execute("SELECT doc_id FROM file_documents WHERE path = ?", (path,))]
        return FileState(row[0], ids)

    def file_sources(self) -> dict[str, str]:
        """Every recorded file's key → the source name its documents show (an upload's client name)."""
        rows = self.db.execute(
            "SELECT f.path, min(d.source) FROM files f LEFT JOIN file_documents fd USING (path) "
            "LEFT JOIN documents d USING (doc_id) GROUP BY f.path")
        return {row[0]: row[1] for row in rows if row[1] is not None}

    def replace_file(self, path: str, sha256: str, documents: list[Document]) -> list[str]:
        """Make `documents` the content of `path`; returns the doc_ids no file refers to any more."""
        with self.transaction() as db:
            return self.replace_file_in(db, path, sha256, documents)

    def replace_file_in(self, db: sqlite3.Connection, path: str, sha256: str, documents: list[Document]) -> list[str]:
        """replace_file() inside a transaction the caller holds, so a whole batch commits at once."""
        old_ids = [r[0] for r in db.execute("SELECT doc_id FROM file_documents WHERE path = ?", (path,))]
        db.execute("DELETE FROM files WHERE path = ?", (path,))
        db.execute("INSERT INTO files(path, sha256) VALUES (?, ?)", (path, sha256))
        for document in documents:
            self._upsert_document(db, document)
            db.execute("INSERT OR IGNORE INTO file_documents(path, doc_id) VALUES (?, ?)", (path, document.doc_id))
        return self._drop_orphans(db, old_ids)

    def forget_file_in(self, db: sqlite3.Connection, path: str) -> list[str]:
        """Forget a file that is gone (inside the caller's transaction); returns the doc_ids no file refers to any
        more, which are deleted with it."""
        old_ids = [r[0] for r in db.execute("SELECT doc_id FROM file_documents WHERE path = ?", (path,))]
        db.execute("DELETE FROM files WHERE path = ?", (path,))  # file_documents rows go by the cascade
        db.execute("DELETE FROM file_documents WHERE path = ?", (path,))
        return self._drop_orphans(db, old_ids)

    def delete_document(self, doc_id: str) -> Deletion | None:
        """Remove the document (its passages, cases and signatures go by cascade) in one transaction; None if
        there was none. Its reposts get a new canonical document: the earliest of them."""
        with self.transaction() as db:
            if not db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone():
                return None
            paths = [r[0] for r in db.execute("SELECT path FROM file_documents WHERE doc_id = ?", (doc_id,))]
            db.execute("DELETE FROM file_documents WHERE doc_id = ?", (doc_id,))
            emptied = []
            for path in paths:  # a file that no longer yields anything must be re-ingested to come back
                if not db.execute("SELECT 1 FROM file_documents WHERE path = ?", (path,)).fetchone():
                    db.execute("DELETE FROM files WHERE path = ?", (path,))
                    emptied.append(path)
            regrouped = self._promote_reposts(db, doc_id)
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        return Deletion(doc_id, emptied, regrouped)

    def _promote_reposts(self, db: sqlite3.Connection, doc_id: str) -> list[str]:
        """The reposts of `doc_id`, re-pointed at the earliest of them, which becomes an original."""
        reposts = [r[0] for r in db.execute(
            "SELECT doc_id FROM documents WHERE canonical_id = ? AND doc_id != ? ORDER BY ingested_at, doc_id",
            (doc_id, doc_id))]
        if reposts:
            db.execute("UPDATE documents SET canonical_id = NULL WHERE doc_id = ?", (reposts[0],))
            db.execute("UPDATE documents SET canonical_id = ? WHERE canonical_id = ? AND doc_id != ?",
                       (reposts[0], doc_id, reposts[0]))
        return reposts

    def _drop_orphans(self, db: sqlite3.Connection, doc_ids: Iterable[str]) -> list[str]:
        dropped = []
        for doc_id in doc_ids:
            if not db.execute("SELECT 1 FROM file_documents WHERE doc_id = ?", (doc_id,)).fetchone():
                db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
                dropped.append(doc_id)
        return dropped

    def _upsert_document(self, db: sqlite3.Connection, document: Document) -> None:
        db.execute("DELETE FROM documents WHERE doc_id = ?", (document.doc_id,))
        db.execute(
            f"INSERT INTO documents({DOCUMENT_COLUMNS}) VALUES ({', '.join('?' * 19)})",
            (
                document.doc_id, document.source, document.path, document.title, str(document.doc_type),
                document.date, int(document.date_inferred), json.dumps(document.places, ensure_ascii=False),
                int(document.on_topic), document.byline, document.publisher, document.url,
                json.dumps(document.captions, ensure_ascii=False), document.canonical_id,
                document.topic, document.topic_score, document.date_source,
                str(document.policy_subtype) if document.policy_subtype else None,
                json.dumps(document.place_evidence, ensure_ascii=False),
            ),
        )
        db.executemany(
            "INSERT INTO passages(passage_id, doc_id, ordinal, heading, clause, chapter, text, kind) "
            "VALUES (?,?,?,?,?,?,?,?)",
            [(p.passage_id, document.doc_id, p.ordinal, p.heading, p.clause, p.chapter, p.text, str(p.kind))
             for p in document.passages],
        )
        if document.regulation is not None:
            db.execute("INSERT INTO regulations(doc_id, info) VALUES (?, ?)",
                       (document.doc_id, json.dumps(document.regulation.to_dict(), ensure_ascii=False)))

    # -- near-duplicate signatures ---------------------------------------------------------------

    def save_signatures(self, db: sqlite3.Connection, signatures: list[tuple[str, bytes, list[str]]]) -> None:
        """Each (doc_id, minhash, band keys), inside the caller's transaction; kept until the document is deleted
        or replaced (the cascade drops it, the pipeline saves it anew). A document no longer stored is skipped.
        In bulk: an ingest batch saves a few hundred signatures and 32 band rows each."""
        stored: set[str] = set()
        for start in range(0, len(signatures), SQL_VARIABLES):
            chunk = [doc_id for doc_id, _, _ in signatures[start:start + SQL_VARIABLES]]
            stored.update(row[0] for row in db.execute(
                f"SELECT doc_id FROM documents WHERE doc_id IN ({', '.join('?' * len(chunk))})", chunk))
        kept = [row for row in signatures if row[0] in stored]
        db.executemany("INSERT OR REPLACE INTO signatures(doc_id, minhash) VALUES (?, ?)",
                       [(doc_id, minhash) for doc_id, minhash, _ in kept])
        db.executemany("DELETE FROM signature_bands WHERE doc_id = ?", [(doc_id,) for doc_id, _, _ in kept])
        db.executemany("INSERT INTO signature_bands(band, doc_id) VALUES (?, ?)",
                       [(band, doc_id) for doc_id, _, bands in kept for band in bands])

    def similar_signatures(self, bands: list[str]) -> list[tuple[str, str | None, bytes]]:
        """(doc_id, canonical_id, minhash) of stored documents sharing at least one band key."""
        if not bands:
            return []
        rows = self.db.execute(
            "SELECT s.doc_id, d.canonical_id, s.minhash FROM signatures s JOIN documents d USING (doc_id) "
            f"WHERE s.doc_id IN (SELECT doc_id FROM signature_bands WHERE band IN ({', '.join('?' * len(bands))})) "
            "ORDER BY d.ingested_at, s.doc_id",
            bands,
        )
        return [(row[0], row[1], row[2]) for row in rows]

    # -- reading -----------------------------------------------------------------------------------

    def count_documents(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def list_documents(self, offset: int = 0, limit: int | None = None) -> list[dict]:
        rows = self.db.execute(
            f"SELECT {DOCUMENT_COLUMNS}, (SELECT count(*) FROM passages p WHERE p.doc_id = d.doc_id) AS passages "
            "FROM documents d ORDER BY source, path, doc_id LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [_document_row(row) for row in rows]

    def get_document(self, doc_id: str) -> Document | None:
        row = self.db.execute(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        passages = [
            Passage(r["passage_id"], r["ordinal"], r["text"], r["heading"], r["clause"], r["chapter"],
                    PassageKind(r["kind"]))
            for r in self.db.execute("SELECT * FROM passages WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
        ]
        return _document(row, passages)

    def ingested_at(self, doc_id: str) -> str | None:
        """When the document was stored (UTC, ISO 8601): a fetched page's 引用日期."""
        row = self.db.execute("SELECT ingested_at FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if row is None else row[0]

    def iter_documents(self) -> Iterator[Document]:
        for (doc_id,) in self.db.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall():
            document = self.get_document(doc_id)
            if document is not None:
                yield document

    def passages(self, passage_ids: Iterable[str]) -> dict[str, dict]:
        """Passages with their document's fields, keyed by passage_id (missing ids are left out)."""
        ids = list(passage_ids)
        found: dict[str, dict] = {}
        for chunk in (ids[i : i + SQL_VARIABLES] for i in range(0, len(ids), SQL_VARIABLES)):
            rows = self.db.execute(
                f"SELECT p.passage_id, p.ordinal, p.heading, p.clause, p.chapter, p.text, p.kind, "
                f"{', '.join('d.' + c.strip() for c in DOCUMENT_COLUMNS.split(','))} "
                f"FROM passages p JOIN documents d USING (doc_id) WHERE p.passage_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for row in rows:
                found[row["passage_id"]] = _document_row(row) | {
                    "passage_id": row["passage_id"], "ordinal": row["ordinal"], "heading": row["heading"],
                    "clause": row["clause"], "chapter": row["chapter"], "text": row["text"], "kind": row["kind"],
                }
        return found

    def clause_texts(self, passage_ids: Iterable[str]) -> dict[str, str]:
        """passage_id → text of those passages that are a regulation's clauses (条); others are left out."""
        ids = list(passage_ids)
        found: dict[str, str] = {}
        for chunk in (ids[i : i + SQL_VARIABLES] for i in range(0, len(ids), SQL_VARIABLES)):
            found.update(self.db.execute(
                f"SELECT passage_id, text FROM passages WHERE clause IS NOT NULL AND clause != '' "
                f"AND passage_id IN ({', '.join('?' * len(chunk))})", chunk).fetchall())
        return found

    def regulation_infos(self, doc_id: str | None = None) -> dict[str, dict]:
        """doc_id → stored regulation metadata (RegulationInfo.to_dict()) for the regulations that have it
        (or for `doc_id` alone)."""
        rows = self.db.execute("SELECT doc_id, info FROM regulations" + (" WHERE doc_id = ?" if doc_id else ""),
                               (doc_id,) if doc_id else ())
        return {row[0]: json.loads(row[1]) for row in rows}

    def fingerprint(self) -> tuple:
        """Changes whenever documents are added, replaced or removed: a key for caches derived from the store."""
        return tuple(self.db.execute(
            "SELECT count(*), max(ingested_at), (SELECT count(*) FROM passages), (SELECT max(rowid) FROM passages) "
            "FROM documents").fetchone())

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT doc_id FROM documents")}

    def doc_ids_among(self, doc_ids: Iterable[str]) -> set[str]:
        """Those of `doc_ids` the store has."""
        return {doc_id for doc_id in set(doc_ids)
                if self.db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()}

    def passage_counts(self) -> dict[str, int]:
        """doc_id → number of passages, for every document (0 for one without passages)."""
        rows = self.db.execute(
            "SELECT d.doc_id, count(p.passage_id) FROM documents d LEFT JOIN passages p USING (doc_id) GROUP BY d.doc_id"
        )
        return {row[0]: row[1] for row in rows}

    # -- meta --------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str | None, db: sqlite3.Connection | None = None) -> None:
        """Set `key`; pass `db` to do it inside a transaction the caller holds."""
        (db or self.db).execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


def _empty_store() -> sqlite3.Connection:
    """What a reader sees of a data folder no writer has set up: every table, no rows."""
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    for migration in MIGRATIONS:
        for statement in split_statements(migration.sql):
            connection.execute(statement)
        if migration.apply is not None:
            migration.apply(connection)
    connection.execute("PRAGMA query_only=ON")
    return connection


def _document_row(row: sqlite3.Row) -> dict:
    data = dict(zip(row.keys(), row, strict=True))
    data["places"] = json.loads(data["places"])
    data["captions"] = json.loads(data["captions"])
    data["place_evidence"] = json.loads(data["place_evidence"] or "[]")
    data["on_topic"] = bool(data["on_topic"])
    data["topic"] = data["topic"] or ("red-property" if data["on_topic"] else "unrelated")
    data["date_inferred"] = bool(data["date_inferred"])
    return data


def _document(row: sqlite3.Row, passages: list[Passage]) -> Document:
    data = _document_row(row)
    return Document(
        doc_id=data["doc_id"], source=data["source"], path=data["path"], title=data["title"],
        doc_type=DocType(data["doc_type"]), passages=passages, date=data["date"],
        date_inferred=data["date_inferred"], places=data["places"], on_topic=data["on_topic"],
        byline=data["byline"], publisher=data["publisher"], url=data["url"], captions=data["captions"],
        canonical_id=data["canonical_id"], topic=data["topic"],
        topic_score=data["topic_score"] if data["topic_score"] is not None else 1.0, date_source=data["date_source"],
        policy_subtype=PolicySubtype(data["policy_subtype"]) if data["policy_subtype"] else None,
        place_evidence=data["place_evidence"],
    )
