"""Who may read and write: writes need REDPROP_TOKEN (disabled without one); reads need REDPROP_READ_TOKEN if set."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from search_api.auth import token_matches
from search_api.settings import Settings

WRITE = "write-9f2c-123"
READ = "read-456"
WRITES = [("post", "/api/reindex"), ("delete", "/api/documents/abc"), ("post", "/api/documents")]


def client_for(library, **tokens) -> TestClient:
    return TestClient(create_app(Settings(home=library.home, **tokens)))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_writes_are_disabled_without_a_configured_token(library, method, url):
    client = client_for(library, write_token=None)
    response = client.request(method, url, headers=bearer("anything"))
    assert response.status_code == 403
    assert "REDPROP_TOKEN" in response.json()["error"]


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_writes_need_the_right_token(library, method, url):
    client = client_for(library, write_token=WRITE)
    missing = client.request(method, url)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert "Authorization" in missing.json()["error"]
    for wrong in ("nope", WRITE + "x", WRITE[:-1], READ):
        assert client.request(method, url, headers=bearer(wrong)).status_code == 403
    assert client.request(method, url, headers={"Authorization": f"Basic {WRITE}"}).status_code == 401


def test_the_right_write_token_is_accepted(library):
    client = client_for(library, write_token=WRITE)
    assert client.post("/api/reindex", headers=bearer(WRITE)).status_code == 200
    assert client.delete("/api/documents/unknown", headers=bearer(WRITE)).status_code == 404


def test_reads_are_public_without_a_read_token(corpus_library):
    client = client_for(corpus_library, write_token=WRITE)
    assert client.get("/api/search", params={"q": "红色物业"}).status_code == 200
    assert client.get("/api/documents").status_code == 200


def test_reads_need_a_token_when_one_is_set(corpus_library):
    client = client_for(corpus_library, write_token=WRITE, read_token=READ)
    assert client.get("/api/search", params={"q": "红色物业"}).status_code == 401
    assert client.get("/api/documents").status_code == 401
    assert client.get("/api/documents", headers=bearer("nope")).status_code == 403
    assert client.get("/api/search", params={"q": "红色物业"}, headers=bearer(READ)).status_code == 200
    assert client.get("/api/documents", headers=bearer(WRITE)).status_code == 200  # a writer may read
    assert client.post("/api/reindex", headers=bearer(READ)).status_code == 403  # a reader may not write
    assert client.get("/healthz").status_code == 200  # monitoring stays open


def test_token_comparison():
    assert token_matches(WRITE, WRITE)
    assert not token_matches(None, WRITE)
    assert not token_matches("", WRITE)
    assert not token_matches(WRITE.upper(), WRITE)
