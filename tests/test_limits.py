"""Expensive reads: one shared searcher, and a per-client rate limit answered with 429 and a Chinese message."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from search_api.settings import Settings

EXPENSIVE = [
    ("/api/suggest", {"q": "红色"}),
    ("/api/analyze", {"text": "红色物业"}),
    ("/api/cases", {}),
    ("/api/practices", {}),
]


@pytest.fixture(scope="module")
def limited(corpus_library):
    return create_app(Settings(home=corpus_library.home, rate_limit="3/minute"))


@pytest.mark.parametrize(("path", "params"), EXPENSIVE)
def test_a_client_over_the_limit_gets_429_in_chinese(limited, path, params):
    client = TestClient(limited, client=(f"198.51.100.{EXPENSIVE.index((path, params)) + 1}", 1))
    answers = [client.get(path, params=params) for _ in range(4)]
    assert [answer.status_code for answer in answers[:3]] == [200] * 3
    assert answers[3].status_code == 429
    assert answers[3].json()["error"].startswith("请求过于频繁") and int(answers[3].headers["retry-after"]) >= 1


def test_the_limit_counts_per_client_and_per_route(limited):
    first = TestClient(limited, client=("203.0.113.1", 1))
    for _ in range(3):
        first.get("/api/suggest", params={"q": "物业"})
    assert first.get("/api/suggest", params={"q": "物业"}).status_code == 429
    assert first.get("/api/analyze", params={"text": "物业"}).status_code == 200  # another route, its own count
    assert first.get("/api/search", params={"q": "物业"}).status_code == 200  # search is not limited
    other = TestClient(limited, client=("203.0.113.2", 1))
    assert other.get("/api/suggest", params={"q": "物业"}).status_code == 200


def test_similar_is_limited_too(limited):
    client = TestClient(limited, client=("203.0.113.9", 1))
    doc_id = client.get("/api/documents").json()["documents"][0]["doc_id"]
    answers = [client.get(f"/api/documents/{doc_id}/similar").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_suggest_analyze_and_similar_open_no_searcher_of_their_own(corpus_library, monkeypatch):
    client = TestClient(create_app(Settings(home=corpus_library.home)))
    document = client.get("/api/documents").json()["documents"][0]
    passage_id = client.get(f"/api/documents/{document['doc_id']}").json()["passages"][0]["passage_id"]
    client.get("/api/search", params={"q": "物业"})  # the shared searcher is open from here on
    whoosh_index = client.app.state.library.index.index
    opened = []
    original = whoosh_index.searcher
    monkeypatch.setattr(whoosh_index, "searcher", lambda **kwargs: opened.append(1) or original(**kwargs))
    for _ in range(2):
        assert client.get("/api/suggest", params={"q": "红色"}).status_code == 200
        assert client.get("/api/analyze", params={"text": "红色物业", "passage_id": passage_id}).status_code == 200
        assert client.get(f"/api/passages/{passage_id}/similar").status_code == 200
        assert client.get(f"/api/documents/{document['doc_id']}/similar").status_code == 200
    assert opened == []
