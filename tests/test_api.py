import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from search_api.settings import Settings

HIT_FIELDS = {"doc_id", "title", "source", "doc_type", "date", "places", "passage_id", "clause", "text",
              "snippet", "score"}


@pytest.fixture(scope="module")
def client(corpus_library):
    return TestClient(create_app(Settings(home=corpus_library.home)))


def test_search_shape(client):
    body = client.get("/api/search", params={"q": "红色物业"}).json()
    assert {"query", "total", "hits", "page", "size"} <= set(body)
    assert body["total"] >= 5 and HIT_FIELDS <= set(body["hits"][0])


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "   "}, {}, {"q": "红色物业", "page": "x"}, {"q": "-湖州"}])
def test_bad_queries_are_400_with_a_message(client, params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_documents_list_and_detail(client):
    listing = client.get("/api/documents").json()
    assert listing["total"] == 11  # the five seed pages hold eleven articles
    doc = listing["documents"][0]
    assert {"doc_id", "title", "source", "doc_type", "date", "places", "on_topic", "passages"} <= set(doc)
    detail = client.get(f"/api/documents/{doc['doc_id']}").json()
    assert len(detail["passages"]) == doc["passages"]
    assert {"passage_id", "ordinal", "heading", "clause", "text"} <= set(detail["passages"][0])


def test_unknown_document_is_404(client):
    response = client.get("/api/documents/nope")
    assert response.status_code == 404 and "nope" in response.json()["error"]


def test_healthz(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_openapi_is_served(client):
    assert "/api/search" in client.get("/openapi.json").json()["paths"]
