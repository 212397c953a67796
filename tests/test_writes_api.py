"""POST /api/documents, DELETE /api/documents/{id}, POST /api/reindex: what an editor with the token relies on."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.store import consistency
from search_api.app import create_app
from search_api.settings import Settings

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOTE = "业委会换届通知\n街道指导小区业主委员会完成换届选举,红色物业联席会议同步召开。\n"
OTHER = "加装电梯议事会\n居民议事会商定加装电梯的费用分摊办法。\n"


@pytest.fixture
def settings(library) -> Settings:
    return Settings(home=library.home, write_token=TOKEN)


@pytest.fixture
def client(settings) -> TestClient:
    return TestClient(create_app(settings))


def upload(client, *files: tuple[str, bytes], headers=AUTH):
    return client.post("/api/documents", headers=headers,
                       files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def test_upload_ingests_each_file_and_answers_like_the_cli(client, library):
    response = upload(client, ("换届.txt", NOTE.encode()), ("电梯.md", OTHER.encode("gbk")))
    assert response.status_code == 200
    body = response.json()
    assert {entry["path"] for entry in body["ingested"]} == {"换届.txt", "电梯.md"}
    assert body["unchanged"] == [] and body["failed"] == []
    hits = client.get("/api/search", params={"q": "换届选举"}).json()["hits"]
    assert hits and hits[0]["source"] == "换届.txt"
    assert consistency.check(library).ok


def test_same_upload_twice_is_unchanged(client):
    assert upload(client, ("a.txt", NOTE.encode())).json()["ingested"]
    again = upload(client, ("copy-of-a.txt", NOTE.encode())).json()
    assert [entry["path"] for entry in again["unchanged"]] == ["copy-of-a.txt"] and not again["ingested"]


@pytest.mark.parametrize("hostile", ["../../../etc/passwd.txt", "/etc/cron.d/x.txt", "..\\..\\win.txt",
                                     "a\x00b.txt", "\u202egnp.txt", "..", ""])
def test_client_file_names_never_become_paths(client, settings, tmp_path, hostile):
    response = upload(client, (hostile, NOTE.encode()))
    assert response.status_code in (200, 400, 422), response.text
    stored = list(settings.uploads_dir.iterdir()) if settings.uploads_dir.exists() else []
    for path in stored:
        assert path.parent == settings.uploads_dir
        assert path.name.split(".")[0].isalnum() and len(path.name.split(".")[0]) == 64  # sha256 name
    assert not (tmp_path / "etc").exists() and not Path("/etc/cron.d/x.txt").exists()
    if response.status_code == 200:
        for entry in response.json()["ingested"]:
            assert "/" not in entry["path"] and "\\" not in entry["path"] and "\x00" not in entry["path"]


def test_unsupported_and_broken_files_fail_per_file(client):
    response = upload(client, ("good.txt", NOTE.encode()), ("virus.exe", b"MZ\x90\x00"), ("empty.txt", b""))
    assert response.status_code == 200
    failed = {entry["path"]: entry["error"] for entry in response.json()["failed"]}
    assert set(failed) == {"virus.exe", "empty.txt"}
    assert "不支持的文件类型" in failed["virus.exe"] and failed["empty.txt"].startswith("empty.txt")
    assert all("uploads" not in message for message in failed.values())  # internal paths never leak


def test_all_files_failing_is_422(client):
    response = upload(client, ("empty.txt", b""))
    assert response.status_code == 422
    assert "empty.txt" in response.json()["error"] and response.json()["failed"][0]["path"] == "empty.txt"


def test_limits_are_413_with_the_setting_named(library):
    client = TestClient(create_app(Settings(home=library.home, write_token=TOKEN, max_upload_files=2,
                                            max_upload_bytes=1000, max_request_bytes=50_000)))
    too_many = upload(client, *[(f"{n}.txt", NOTE.encode()) for n in range(3)])
    assert too_many.status_code == 413 and "REDPROP_MAX_UPLOAD_FILES" in too_many.json()["error"]
    too_big = upload(client, ("big.txt", ("红" * 400).encode()))
    assert too_big.status_code == 413 and "big.txt" in too_big.json()["error"]
    request_too_big = upload(client, ("huge.txt", b"x" * 60_000))
    assert request_too_big.status_code == 413 and "REDPROP_MAX_REQUEST_BYTES" in request_too_big.json()["error"]
    assert library.store.count_documents() == 0


def test_bad_upload_requests_are_400(client):
    assert client.post("/api/documents", headers=AUTH, json={"files": []}).status_code == 400
    no_files = client.post("/api/documents", headers=AUTH, data={"other": "x"})
    assert no_files.status_code == 400 and "files" in no_files.json()["error"]


def test_delete_removes_from_store_and_index(client, library):
    doc_id = upload(client, ("a.txt", NOTE.encode()), ("b.txt", OTHER.encode())).json()["ingested"][0]["doc_ids"][0]
    response = client.delete(f"/api/documents/{doc_id}", headers=AUTH)
    assert response.status_code == 200 and response.json()["deleted"] == doc_id
    assert client.get(f"/api/documents/{doc_id}").status_code == 404
    assert doc_id not in library.index.indexed_doc_ids()
    assert consistency.check(library).ok
    assert client.delete(f"/api/documents/{doc_id}", headers=AUTH).status_code == 404
    # The file it came from is forgotten too, so uploading it again brings it back.
    assert upload(client, ("a.txt", NOTE.encode())).json()["ingested"][0]["doc_ids"] == [doc_id]


def test_reindex_repairs_a_damaged_index(client, library):
    upload(client, ("a.txt", NOTE.encode()), ("b.txt", OTHER.encode()))
    passages = library.index.doc_count()
    library.index.update([], [library.store.list_documents()[0]["doc_id"]])  # the index loses a document
    assert not consistency.check(library).ok
    response = client.post("/api/reindex", headers=AUTH)
    assert response.status_code == 200
    assert response.json() == {"reindexed_documents": 2, "indexed_passages": passages}
    assert consistency.check(library).ok


def test_healthz_reports_store_and_index(client):
    upload(client, ("a.txt", NOTE.encode()))
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["store"]["documents"] == 1
    assert body["index"]["ok"] and body["index"]["in_sync"] and body["indexed_passages"] >= 1


def test_healthz_is_503_when_the_index_is_unreadable(client, library):
    upload(client, ("a.txt", NOTE.encode()))
    for toc in (library.home / "index").glob("*.toc"):
        toc.write_bytes(b"garbage")
    response = TestClient(create_app(Settings(home=library.home))).get("/healthz")
    assert response.status_code == 503 and not response.json()["index"]["ok"]


def test_reindex_rebuilds_an_index_that_cannot_be_opened(client, library):
    upload(client, ("a.txt", NOTE.encode()), ("b.txt", OTHER.encode()))
    for toc in (library.home / "index").glob("*.toc"):
        toc.write_bytes(b"garbage")
    fresh = TestClient(create_app(Settings(home=library.home, write_token=TOKEN)))
    assert fresh.post("/api/reindex", headers=AUTH).json()["reindexed_documents"] == 2
    assert fresh.get("/api/search", params={"q": "换届选举"}).json()["total"] == 1


CASE_STORY = (Path(__file__).parent / "fixtures" / "cases_nanning.txt").read_text(encoding="utf-8")


def rows_about(library, doc_id: str) -> dict[str, int]:
    db = library.store.db
    return {table: db.execute(f"SELECT count(*) FROM {table} WHERE doc_id = ?", (doc_id,)).fetchone()[0]
            for table in ("cases", "case_runs", "signatures", "signature_bands", "passages", "file_documents")}


def test_delete_leaves_nothing_behind_and_regroups_reposts(client, library, settings):
    original = upload(client, ("原文.txt", CASE_STORY.encode())).json()["ingested"][0]["doc_ids"][0]
    reposts = [upload(client, (f"转载{n}.txt", CASE_STORY.replace("近日", edit).encode())).json()["ingested"][0]["doc_ids"][0]
               for n, edit in enumerate(["日前", "近期"])]
    assert [library.store.get_document(d).canonical_id for d in reposts] == [original, original]
    assert rows_about(library, original)["cases"] > 0 and rows_about(library, original)["signatures"] == 1
    assert len(list(settings.uploads_dir.iterdir())) == 3

    answer = client.delete(f"/api/documents/{original}", headers=AUTH).json()
    assert answer["removed_files"] == 1 and sorted(answer["regrouped"]) == sorted(reposts)
    assert set(rows_about(library, original).values()) == {0}
    assert len(list(settings.uploads_dir.iterdir())) == 2
    [new_original] = [d for d in reposts if library.store.get_document(d).canonical_id is None]
    [other] = [d for d in reposts if d != new_original]
    assert library.store.get_document(other).canonical_id == new_original
    assert rows_about(library, new_original)["cases"] > 0 and rows_about(library, other)["cases"] == 0
    with library.index.searcher() as searcher:
        groups = {fields["doc_id"]: fields["group_id"] for fields in searcher.all_stored_fields()
                  if "passage_id" in fields}  # passages, not the document records holding the title
    assert groups == {new_original: new_original, other: new_original}
    assert consistency.check(library).ok
    hits = client.get("/api/search", params={"q": "板凳会"}).json()["hits"]
    assert [hit["doc_id"] for hit in hits] == [new_original]


def test_delete_keeps_files_ingested_from_elsewhere(client, library, tmp_path):
    from index.write.pipeline import ingest_paths

    path = tmp_path / "本地.txt"
    path.write_text(NOTE, encoding="utf-8")
    [doc_id] = ingest_paths([path], library, guarded=False).outcomes[0].doc_ids
    assert client.delete(f"/api/documents/{doc_id}", headers=AUTH).json()["removed_files"] == 0
    assert path.exists()
