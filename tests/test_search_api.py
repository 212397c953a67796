"""The search API's parameters and the new routes: analyze, suggest, more like this."""
import pytest
from fastapi.testclient import TestClient
from search_fixtures import NARROWING_DOCUMENTS, build_library

from index.store.library import Library
from search_api.app import create_app
from search_api.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    library = build_library(Library(tmp_path_factory.mktemp("api")), NARROWING_DOCUMENTS)
    return TestClient(create_app(Settings(home=library.home)))


def test_search_takes_filters_sort_and_returns_facets(client):
    body = client.get("/api/search", params={"q": "维修", "place": "湖州", "sort": "date"}).json()
    assert {hit["doc_id"] for hit in body["hits"]} == {"huzhou", "huzhou-policy"}
    assert body["facets"]["doc_type"] == {"news": 1, "policy": 1}
    assert body["facets_omitted"] == {"places": 0, "year": 0, "doc_type": 0, "source": 0}  # every value listed
    assert [hit["date"] for hit in body["hits"]] == ["2023-05-10", "2021-03-01"]
    assert {"context", "other_sources", "snippet", "clause"} <= set(body["hits"][0])


def test_filters_without_words_list_what_fits(client):
    body = client.get("/api/search", params={"place": "威海"}).json()
    assert body["total"] == 1 and body["hits"][0]["other_sources"]


def test_on_topic_is_switchable(client):
    default = client.get("/api/search", params={"q": "维修"}).json()
    everything = client.get("/api/search", params={"q": "维修", "on_topic": "false"}).json()
    assert everything["total"] == default["total"] + 1


def test_date_range_and_type_parameters(client):
    body = client.get("/api/search", params={"q": "维修", "date_from": "2022", "date_to": "2022-12",
                                             "type": "news"}).json()
    assert {hit["doc_id"] for hit in body["hits"]} == {"weihai"}


@pytest.mark.parametrize("params", [{"q": "维修", "sort": "random"}, {"q": "维修", "year": "今年"},
                                    {"q": "维修", "date_from": "昨天"}])
def test_bad_parameters_are_400_in_chinese(client, params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 400 and response.json()["error"]


def test_analyze_shows_segmentation_and_matches(client):
    body = client.get("/api/analyze", params={"text": "业委会覆盖率", "passage_id": "weihai-0001"}).json()
    assert [word["text"] for word in body["query"]["words"]] == ["业委会", "覆盖率"]
    assert "业主委员会" in body["query"]["words"][0]["synonyms"]
    assert body["query"]["words"][0]["passages"] == 2  # the article and its repost
    assert {m["word"]: m["matched"] for m in body["passage"]["matches"]} == {"业委会": "word", "覆盖率": "word"}


def test_analyze_unknown_passage_is_404_and_empty_text_400(client):
    assert client.get("/api/analyze", params={"text": "维修", "passage_id": "nope"}).status_code == 404
    assert client.get("/api/analyze", params={"text": ""}).status_code == 400


def test_suggest_completes_indexed_words_and_titles(client):
    body = client.get("/api/suggest", params={"q": "维修"}).json()
    texts = [s["text"] for s in body["suggestions"]]
    assert "维修资金" in texts
    titles = [s["text"] for s in client.get("/api/suggest", params={"q": "湖州市物业"}).json()["suggestions"]]
    assert "湖州市物业管理条例" in titles


def test_similar_passages_leave_out_the_same_document_and_its_reposts(client):
    body = client.get("/api/passages/weihai-0000/similar").json()
    doc_ids = {hit["doc_id"] for hit in body["hits"]}
    assert body["terms"] and doc_ids and not doc_ids & {"weihai", "weihai-repost"}
    assert client.get("/api/passages/nope/similar").status_code == 404


def test_similar_documents(client):
    body = client.get("/api/documents/huzhou/similar").json()
    assert body["hits"] and "huzhou" not in {hit["doc_id"] for hit in body["hits"]}
    assert client.get("/api/documents/nope/similar").status_code == 404


def test_analyze_tells_when_a_word_is_only_found_as_characters(client):
    body = client.get("/api/analyze", params={"text": "业主满", "passage_id": "weihai-0000"}).json()
    matches = {m["word"]: m for m in body["passage"]["matches"]}
    assert any(m["matched"] == "substring" and "userdict" in m["hint"] for m in matches.values()), matches
