"""The metadata columns round-trip, and a store made before they existed gains them by migration (never on a read)."""
from __future__ import annotations

import sqlite3

import pytest

from index.store.migrations import StoreVersionError, migrate
from index.store.store import Store
from ingest.models import DocType, Document, Passage, PassageKind, PolicySubtype

METADATA_MIGRATION = 5  # index/store/migrations.py: topic, topic_score, date_source, policy_subtype, place_evidence
DOCUMENT_COLUMNS = ("topic", "topic_score", "date_source", "policy_subtype", "place_evidence")


def _document(on_topic: bool) -> Document:
    return Document(doc_id="d1", source="a.txt", path="/a.txt", title="业委会换届", doc_type=DocType.POLICY,
                    passages=[Passage("d1-0000", 0, "业委会换届选举。"), Passage("d1-0001", 1, "编辑:王五",
                                                                               kind=PassageKind.FURNITURE)],
                    on_topic=on_topic, topic="red-property" if on_topic else "property-industry", topic_score=0.5,
                    date="2023-01-02", date_source="stamp", policy_subtype=PolicySubtype.NOTICE,
                    place_evidence=[{"name": "湖州市", "reason": "全称"}])


def _written_store(path, on_topic: bool) -> None:
    store = Store(path)
    store.migrate()
    Store(path).replace_file("/a.txt", "x", [_document(on_topic)])


def test_new_fields_round_trip(tmp_path):
    _written_store(tmp_path / "store.db", on_topic=False)
    got = Store(tmp_path / "store.db").get_document("d1")
    assert (got.topic, got.topic_score, got.date_source, got.policy_subtype) == ("property-industry", 0.5, "stamp",
                                                                                 PolicySubtype.NOTICE)
    assert got.place_evidence == [{"name": "湖州市", "reason": "全称"}]
    assert [p.kind for p in got.passages] == [PassageKind.TEXT, PassageKind.FURNITURE]


def test_an_older_store_is_refused_by_reads_and_migrated_by_a_writer(tmp_path):
    path = tmp_path / "store.db"
    _written_store(path, on_topic=True)
    with sqlite3.connect(path) as db:  # make it look like a store from before these columns
        for column in DOCUMENT_COLUMNS:
            db.execute(f"ALTER TABLE documents DROP COLUMN {column}")
        db.execute("ALTER TABLE passages DROP COLUMN kind")
        db.execute("DROP TABLE regulations")
        db.execute(f"PRAGMA user_version = {METADATA_MIGRATION - 1}")
    with pytest.raises(StoreVersionError):
        Store(path).get_document("d1")
    applied = migrate(path)
    assert applied[0].version == METADATA_MIGRATION
    got = Store(path).get_document("d1")
    assert got.title == "业委会换届" and got.topic == "red-property" and got.date_source is None
    assert [p.kind for p in got.passages] == [PassageKind.TEXT, PassageKind.TEXT]
