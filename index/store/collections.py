"""Collections (合集) in SQLite, in the same database file as the document Store.

A collection is an owner's ordered list of documents, passages and cases, each with a note. Items keep the
stable id of what they point at (doc_id, passage_id = doc_id-ordinal, case_id) and deliberately no foreign key:
a reindex never touches these tables, and deleting a document leaves its items in place so the collection can
say what went missing (the label saved when the item was added names it) instead of silently shrinking.

Each collection has an `edit_key`, a random secret: whoever holds the edit link may change it; the share link
(the bare id) only reads.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import asdict, dataclass

from index.store.store import Store

KINDS = ("document", "passage", "case")
ID_BYTES = 6  # 8 URL-safe characters: short enough to read out, too many to guess a neighbour's share link
KEY_BYTES = 18

class UnknownCollection(KeyError):
    """No collection (or no item in it) with that id."""


@dataclass
class Collection:
    collection_id: str
    title: str
    description: str
    created_at: str
    updated_at: str
    items: list[Item]

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Item:
    item_id: int
    position: int  # 1-based, contiguous: what the owner sees as the order
    kind: str
    ref: str
    doc_id: str
    label: str  # the title when it was added, so an item whose document was deleted can still be named
    note: str
    added_at: str


def new_collection_id() -> str:
    """A random URL-safe id that never starts with "-": users type it on the command line
    (`redprop collections show ID`), where a leading dash reads as an option."""
    while True:
        candidate = secrets.token_urlsafe(ID_BYTES)
        if not candidate.startswith("-"):
            return candidate


class CollectionStore:
    def __init__(self, store: Store):
        self.store = store  # tables: migration 3 in index/store/migrations.py

    # -- collections ---------------------------------------------------------------------------------

    def create(self, title: str, description: str = "") -> tuple[str, str]:
        """A new empty collection; returns (collection_id, edit_key)."""
        collection_id, edit_key = new_collection_id(), secrets.token_urlsafe(KEY_BYTES)
        with self.store.transaction() as db:
            db.execute("INSERT INTO collections(collection_id, title, description, edit_key) VALUES (?,?,?,?)",
                       (collection_id, title, description, edit_key))
        return collection_id, edit_key

    def list(self) -> list[dict]:
        rows = self.store.db.execute(
            "SELECT c.collection_id, c.title, c.description, c.created_at, c.updated_at, count(i.item_id) AS items "
            "FROM collections c LEFT JOIN collection_items i USING (collection_id) "
            "GROUP BY c.collection_id ORDER BY c.updated_at DESC, c.collection_id"
        )
        return [dict(row) for row in rows]

    def get(self, collection_id: str) -> Collection:
        row = self.store.db.execute(
            "SELECT collection_id, title, description, created_at, updated_at FROM collections WHERE collection_id = ?",
            (collection_id,),
        ).fetchone()
        if row is None:
            raise UnknownCollection(collection_id)
        items = [Item(**dict(item)) for item in self.store.db.execute(
            "SELECT item_id, position, kind, ref, doc_id, label, note, added_at FROM collection_items "
            "WHERE collection_id = ? ORDER BY position", (collection_id,))]
        return Collection(**dict(row), items=items)

    def key_matches(self, collection_id: str, key: str | None) -> bool:
        row = self.store.db.execute("SELECT edit_key FROM collections WHERE collection_id = ?",
                                    (collection_id,)).fetchone()
        if row is None:
            raise UnknownCollection(collection_id)
        return bool(key) and secrets.compare_digest(row[0].encode(), key.encode())

    def update(self, collection_id: str, title: str | None = None, description: str | None = None) -> None:
        with self.store.transaction() as db:
            self._touch(db, collection_id)
            if title is not None:
                db.execute("UPDATE collections SET title = ? WHERE collection_id = ?", (title, collection_id))
            if description is not None:
                db.execute("UPDATE collections SET description = ? WHERE collection_id = ?",
                           (description, collection_id))

    def delete(self, collection_id: str) -> None:
        with self.store.transaction() as db:
            if not db.execute("DELETE FROM collections WHERE collection_id = ?", (collection_id,)).rowcount:
                raise UnknownCollection(collection_id)

    # -- items ---------------------------------------------------------------------------------------

    def add_item(self, collection_id: str, kind: str, ref: str, doc_id: str, label: str = "", note: str = "",
                 position: int | None = None) -> int:
        """Append (or insert at 1-based `position`) an item; returns its item_id. Adding the same thing twice
        keeps one item and updates its note when a new one is given."""
        if kind not in KINDS:
            raise ValueError(f"kind 须是 {'、'.join(KINDS)} 之一(收到 {kind})")
        with self.store.transaction() as db:
            self._touch(db, collection_id)
            existing = db.execute("SELECT item_id FROM collection_items WHERE collection_id = ? AND kind = ? AND ref = ?",
                                  (collection_id, kind, ref)).fetchone()
            if existing:
                if note:
                    db.execute("UPDATE collection_items SET note = ? WHERE item_id = ?", (note, existing[0]))
                return existing[0]
            count = self._count(db, collection_id)
            item_id = db.execute(
                "INSERT INTO collection_items(collection_id, position, kind, ref, doc_id, label, note) "
                "VALUES (?,?,?,?,?,?,?)", (collection_id, count + 1, kind, ref, doc_id, label, note),
            ).lastrowid
            if position is not None:
                self._move(db, collection_id, item_id, position)
            return item_id

    def annotate(self, collection_id: str, item_id: int, note: str) -> None:
        with self.store.transaction() as db:
            self._touch(db, collection_id)
            self._check_item(db, collection_id, item_id)
            db.execute("UPDATE collection_items SET note = ? WHERE item_id = ?", (note, item_id))

    def move_item(self, collection_id: str, item_id: int, position: int) -> None:
        """Put the item at 1-based `position` (clamped to the list), shifting the others."""
        with self.store.transaction() as db:
            self._touch(db, collection_id)
            self._move(db, collection_id, item_id, position)

    def reorder(self, collection_id: str, item_ids: list[int]) -> None:
        """Set the whole order at once (drag and drop sends it); ids left out keep their relative order after."""
        with self.store.transaction() as db:
            self._touch(db, collection_id)
            current = [row[0] for row in db.execute(
                "SELECT item_id FROM collection_items WHERE collection_id = ? ORDER BY position", (collection_id,))]
            unknown = set(item_ids) - set(current)
            if unknown:
                raise UnknownCollection(f"{collection_id}/{min(unknown)}")
            order = list(dict.fromkeys(item_ids)) + [item for item in current if item not in item_ids]
            self._renumber(db, order)

    def remove_item(self, collection_id: str, item_id: int) -> None:
        with self.store.transaction() as db:
            self._touch(db, collection_id)
            self._check_item(db, collection_id, item_id)
            db.execute("DELETE FROM collection_items WHERE item_id = ?", (item_id,))
            self._renumber(db, [row[0] for row in db.execute(
                "SELECT item_id FROM collection_items WHERE collection_id = ? ORDER BY position", (collection_id,))])

    # -- helpers -------------------------------------------------------------------------------------

    def _touch(self, db: sqlite3.Connection, collection_id: str) -> None:
        if not db.execute("UPDATE collections SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                          "WHERE collection_id = ?", (collection_id,)).rowcount:
            raise UnknownCollection(collection_id)

    def _count(self, db: sqlite3.Connection, collection_id: str) -> int:
        return db.execute("SELECT count(*) FROM collection_items WHERE collection_id = ?", (collection_id,)).fetchone()[0]

    def _check_item(self, db: sqlite3.Connection, collection_id: str, item_id: int) -> None:
        if not db.execute("SELECT 1 FROM collection_items WHERE collection_id = ? AND item_id = ?",
                          (collection_id, item_id)).fetchone():
            raise UnknownCollection(f"{collection_id}/{item_id}")

    def _move(self, db: sqlite3.Connection, collection_id: str, item_id: int, position: int) -> None:
        self._check_item(db, collection_id, item_id)
        order = [row[0] for row in db.execute(
            "SELECT item_id FROM collection_items WHERE collection_id = ? AND item_id != ? ORDER BY position",
            (collection_id, item_id))]
        index = min(max(position, 1), len(order) + 1) - 1
        order.insert(index, item_id)
        self._renumber(db, order)

    def _renumber(self, db: sqlite3.Connection, order: list[int]) -> None:
        db.executemany("UPDATE collection_items SET position = ? WHERE item_id = ?",
                       [(index, item_id) for index, item_id in enumerate(order, start=1)])


def document_cases(store: Store, doc_id: str) -> list[dict]:
    """The cases extracted from one document, in reading order (what a collection item shows beside it)."""
    rows = store.db.execute("SELECT data FROM cases WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
    return [json.loads(row[0]) for row in rows]


def ingested_at(store: Store, doc_id: str) -> str | None:
    """When the document was stored: the access date a web page's reference gives."""
    row = store.db.execute("SELECT ingested_at FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    return row[0] if row else None
