"""Reads never write: no GET route, CLI lookup or opening of the store changes the store file; only writers
migrate it (index/store/migrations.py), and cases are extracted by writers only."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from index.store.case_store import EXTRACTOR_VERSION, CaseStore
from index.store.library import Library
from index.store.migrations import LATEST, MIGRATIONS, StoreVersionError
from index.write.pipeline import ingest_paths
from search_api import collection_service
from search_api.app import create_app
from search_api.cli import main
from search_api.settings import Settings

SEED = Path(__file__).resolve().parent.parent / "corpus" / "004_3e99b08ed3d95a59.txt"
QUERY = {"q": "物业", "text": "物业"}


def get_routes(app) -> list[str]:
    """Every GET path of the app, routers included (pages too: they are left out of the OpenAPI schema)."""
    def walk(routes):
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(route.original_router.routes)
            elif "GET" in (getattr(route, "methods", None) or ()):
                yield route.path
    return sorted(set(walk(app.routes)))


def fingerprint(home: Path) -> dict[str, tuple[str, int]]:
    """Bytes and mtime of the store and its WAL/shm files."""
    return {path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            for path in sorted(home.glob("redprop.sqlite3*"))}


@pytest.fixture
def pending_library(tmp_path) -> Library:
    """One seed page ingested, then its case extraction made pending, as after an upgrade of the extractor."""
    library = Library(tmp_path / "home")
    assert not ingest_paths([SEED], library, guarded=False).failed
    with library.store.transaction() as db:
        db.execute("UPDATE case_runs SET version = ?", (EXTRACTOR_VERSION - 1,))
    created = collection_service.create(library, "合集")
    collection_service.add_item(library, created["collection_id"], "document", min(library.store.doc_ids()))
    library.store.close()
    return library


def test_no_get_route_changes_the_store(pending_library):
    home = pending_library.home
    app = create_app(Settings(home=home))
    store = app.state.library.store
    doc_id = min(store.doc_ids())
    case_id = store.db.execute("SELECT case_id FROM cases ORDER BY case_id").fetchone()[0]
    passage_id = store.db.execute("SELECT passage_id FROM passages ORDER BY passage_id").fetchone()[0]
    samples = {"doc_id": doc_id, "case_id": case_id, "passage_id": passage_id, "fmt": "md",
               "collection_id": store.db.execute("SELECT collection_id FROM collections").fetchone()[0],
               "key": store.db.execute("SELECT practice_key FROM case_practices").fetchone()[0]}
    watcher = sqlite3.connect(home / "redprop.sqlite3")  # open throughout, so no reader's close checkpoints
    watcher.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    version_before = watcher.execute("PRAGMA data_version").fetchone()[0]
    before = fingerprint(home)
    client = TestClient(app)
    routes = get_routes(app)
    assert {"/api/cases", "/cases/{case_id}", "/documents/{doc_id}", "/healthz", "/upload"} <= set(routes)
    for route in routes:
        path = route.format(**samples)
        answer = client.get(path, params=QUERY)
        assert answer.status_code < 500, (path, answer.text[:200])
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version_before
    assert fingerprint(home) == before
    assert CaseStore(Library(home).store).pending() == [doc_id]  # a lookup read the old cases, it did not extract
    watcher.close()


def test_cases_rebuild_extracts_what_is_pending(pending_library):
    result = CliRunner().invoke(main, ["cases", "rebuild", "--home", str(pending_library.home)])
    assert result.exit_code == 0, result.output
    assert "已提取 1 篇" in result.output
    assert CaseStore(pending_library.store).pending() == []


def test_reading_an_empty_data_folder_creates_no_store(tmp_path):
    library = Library(tmp_path / "fresh")
    assert library.store.count_documents() == 0 and CaseStore(library.store).practices() == []
    result = CliRunner().invoke(main, ["list", "--home", str(library.home)])
    assert result.exit_code == 0 and "共 0 篇" in result.output
    assert not list(library.home.glob("redprop.sqlite3*"))


def test_searching_a_data_folder_that_does_not_exist_creates_nothing(tmp_path):
    home = tmp_path / "nothing-here"
    result = CliRunner().invoke(main, ["search", "业委会", "--home", str(home), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == 0
    assert not home.exists()


def old_store(path: Path) -> None:
    """A store as written before versioning: the first migration's tables, user_version 0, one document."""
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0].sql)
    db.execute("INSERT INTO documents(doc_id, source, path, title, doc_type) VALUES ('d1', 'a.txt', 'a.txt', '旧文档', 'news')")
    db.commit()
    db.close()


def test_a_reader_refuses_an_older_store_and_a_writer_migrates_it(tmp_path):
    home = tmp_path / "home"
    old_store(home / "redprop.sqlite3")
    before = fingerprint(home)
    listed = CliRunner().invoke(main, ["list", "--home", str(home)])
    assert listed.exit_code == 1 and "旧版本" in listed.output and "redprop migrate" in listed.output
    assert fingerprint(home) == before
    migrated = CliRunner().invoke(main, ["migrate", "--home", str(home)])
    assert migrated.exit_code == 0 and f"第 {LATEST} 版" in migrated.output
    listed = CliRunner().invoke(main, ["list", "--home", str(home)])
    assert listed.exit_code == 0 and "旧文档" in listed.output


def test_the_server_migrates_at_start_up(tmp_path):
    home = tmp_path / "home"
    old_store(home / "redprop.sqlite3")
    client = TestClient(create_app(Settings(home=home)))
    assert client.get("/api/documents").json()["total"] == 1
    assert Library(home).store.schema_version() == LATEST


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    db = sqlite3.connect(home / "redprop.sqlite3")
    db.execute(f"PRAGMA user_version = {LATEST + 1}")
    db.close()
    with pytest.raises(StoreVersionError, match="更新的版本"):
        Library(home).store.count_documents()
    with pytest.raises(StoreVersionError, match="更新的版本"):
        Library(home).store.migrate()
