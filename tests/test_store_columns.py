"""A store made before the metadata columns existed gains them on open, and its documents still read."""
from __future__ import annotations

import sqlite3

from index.store.store import ADDED_COLUMNS, Store
from ingest.models import DocType, Document, Passage, PassageKind, PolicySubtype


def _document(on_topic: bool) -> Document:
    return Document(doc_id="d1", source="a.txt", path="/a.txt", title="业委会换届", doc_type=DocType.POLICY,
                    passages=[Passage("d1-0000", 0, "业委会换届选举。"), Passage("d1-0001", 1, "编辑:王五",
                                                                               kind=PassageKind.FURNITURE)],
                    on_topic=on_topic, topic="red-property" if on_topic else "property-industry", topic_score=0.5,
                    date="2023-01-02", date_source="stamp", policy_subtype=PolicySubtype.NOTICE,
                    place_evidence=[{"name": "湖州市", "reason": "全称"}])


def test_new_fields_round_trip(tmp_path):
    store = Store(tmp_path / "store.db")
    store.replace_file("/a.txt", "x", [_document(False)])
    got = store.get_document("d1")
    assert (got.topic, got.topic_score, got.date_source, got.policy_subtype) == ("property-industry", 0.5, "stamp",
                                                                                 PolicySubtype.NOTICE)
    assert got.place_evidence == [{"name": "湖州市", "reason": "全称"}]
    assert [p.kind for p in got.passages] == [PassageKind.TEXT, PassageKind.FURNITURE]


def test_an_older_store_gains_the_columns_and_keeps_its_documents(tmp_path):
    path = tmp_path / "store.db"
    Store(path).replace_file("/a.txt", "x", [_document(True)])
    with sqlite3.connect(path) as db:  # make it look like a store from before these columns
        for table, column, *_ in ADDED_COLUMNS:
            db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    got = Store(path).get_document("d1")
    assert got.title == "业委会换届" and got.topic == "red-property" and got.date_source is None
    assert [p.kind for p in got.passages] == [PassageKind.TEXT, PassageKind.TEXT]
