"""The web pages through the app: status codes, the URL holding the state, escaping, clear messages."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from browser.harness import HOSTILE_NAME, XSS_PAYLOADS, build_library
from fastapi.testclient import TestClient

from search_api import pages_data
from search_api.app import create_app
from search_api.settings import Settings

QUERY = "红色物业"
HREF = re.compile(r'href="([^"]*)"')
# Raw markup that must never reach a page from document or case data (the payloads' dangerous parts).
LIVE_MARKUP = ("<script>window", "<img src=x", "<svg onload")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    work = tmp_path_factory.mktemp("pages")
    build_library(work / "home", work)
    return TestClient(create_app(Settings(home=work / "home")))


def links(html: str, pattern: str) -> list[dict]:
    hrefs = [unescape(href) for href in HREF.findall(html)]
    return [parse_qs(urlsplit(href).query) for href in hrefs if re.search(pattern, href)]


def assert_no_live_markup(html: str) -> None:
    for markup in LIVE_MARKUP:
        assert markup not in html


def test_home_lists_the_library(client):
    page = client.get("/")
    assert page.status_code == 200 and "文库" in page.text and "/documents/" in page.text


def test_search_page_shows_hits_with_marks_and_facets(client):
    page = client.get("/", params={"q": QUERY})
    assert page.status_code == 200
    assert page.text.count('class="hit') >= 5 and f"<mark>{QUERY}</mark>" in page.text
    assert 'data-facet="type"' in page.text and "政策法规" in page.text


def test_facet_and_sort_links_keep_the_whole_state(client):
    page = client.get("/", params={"q": QUERY, "sort": "date", "type": "news"}).text
    facet_links = links(page, r"[?&]source=")
    assert facet_links and all(state["q"] == [QUERY] and state["sort"] == ["date"] and state["type"] == ["news"]
                               for state in facet_links)
    removal = [state for state in links(page, r"^/\?") if "type" not in state and state.get("sort") == ["date"]]
    assert removal, "the chosen filter has a link that removes only it"


def test_hit_links_open_the_passage_with_the_query(client):
    page = client.get("/", params={"q": QUERY}).text
    href = unescape(re.search(r'href="(/documents/[^"]+)"', page).group(1))
    path, _, anchor = href.partition("#")
    assert parse_qs(urlsplit(path).query)["q"] == [QUERY]
    document = client.get(path)
    assert document.status_code == 200 and f'id="{anchor}"' in document.text
    assert f"<mark>{QUERY}</mark>" in document.text


def test_filters_narrow_the_result(client):
    page = client.get("/", params={"q": QUERY, "type": "policy"}).text
    assert page.count('class="hit"') == 1 and "某市物业管理试行条例" in page


@pytest.mark.parametrize("params", [{"q": "-湖州"}, {"q": "year:abc"}, {"q": QUERY, "year": "去年"}])
def test_malformed_queries_get_a_clear_message(client, params):
    page = client.get("/", params=params)
    assert page.status_code == 400
    assert 'role="alert"' in page.text and "无法执行这个查询" in page.text


def test_no_results_says_so(client):
    page = client.get("/", params={"q": "qzxjvk"})
    assert page.status_code == 200 and "没有找到" in page.text


def test_page_number_out_of_range_or_garbage_falls_back(client):
    assert client.get("/", params={"q": QUERY, "page": "abc"}).status_code == 200
    assert "没有找到" not in client.get("/", params={"q": QUERY, "page": "1"}).text


def test_hostile_document_text_and_file_name_are_escaped(client):
    search = client.get("/", params={"q": "红色物业测试"}).text
    listing = client.get("/").text
    doc_path = re.search(r'href="(/documents/[^"?#]+)[^"]*">红色物业测试', search).group(1)
    document = client.get(doc_path).text
    for html in (search, listing, document):
        assert_no_live_markup(html)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in document
    assert unescape(HOSTILE_NAME) in unescape(listing)


def test_policy_document_has_outline_and_citation(client):
    search = client.get("/", params={"q": '"协商议事会议"'}).text
    doc_path = re.search(r'href="(/documents/[^"?#]+)', search).group(1)
    page = client.get(doc_path).text
    assert 'class="outline"' in page and page.count('<li><a href="#') == 4
    assert 'value="某市物业管理试行条例[Z]."' in page


def test_unknown_document_is_a_404_page(client):
    page = client.get('/documents/"><svg onload=alert(1)>')
    assert page.status_code == 404 and "&lt;svg onload" in page.text and "<svg onload" not in page.text


def test_upload_page_explains_when_uploads_are_off(client):
    page = client.get("/upload")
    assert page.status_code == 200 and 'type="file"' in page.text
    support = pages_data.upload_support(client.app)
    assert ("disabled" in page.text) == (not support.enabled)
    if not support.enabled:
        assert support.reason in page.text


# Case pages render what the cases API returns; this hand-written case in that shape checks the templates
# (escaping, links, chart) without the cases package.
HOSTILE_CASE = {
    "case_id": "c1", "title": f"议事港湾{XSS_PAYLOADS[0]}", "place": "某社区",
    "place_chain": ["某省", "某市", f"某社区{XSS_PAYLOADS[2]}"], "practices": [f"三方联动{XSS_PAYLOADS[1]}"],
    "themes": ["协商议事"], "background": "背景", "measures": ["做法一"], "results": ["成效一"],
    "metrics": [{"indicator": "满意率", "value": "90.5", "unit": "%", "scope": "全市", "evidence": XSS_PAYLOADS[1]}],
    "people": [{"name": "某某", "role": "书记"}], "quotes": [{"speaker": "某某", "role": "书记", "text": XSS_PAYLOADS[2]}],
    "doc_id": "missing-doc", "title_of_source": XSS_PAYLOADS[0], "source": HOSTILE_NAME, "date": "2024-01-01",
    "evidence": [{"passage_id": "missing-doc-0001", "text": XSS_PAYLOADS[1]}],
}
METRIC_ROWS = [
    {"place": "甲市", "year": "2023", "value": "80", "unit": "%", "evidence": "e", "case_id": "c1"},
    {"place": f"乙市{XSS_PAYLOADS[2]}", "year": "2024", "value": "100", "unit": "%", "evidence": "e"},
    {"place": "丙市", "value": "240", "unit": "个", "evidence": "e"},
]


@pytest.fixture
def case_data(monkeypatch):
    monkeypatch.setattr(pages_data, "cases_page", lambda library, filters: {"total": 1, "cases": [HOSTILE_CASE]})
    monkeypatch.setattr(pages_data, "case_browse", lambda library, filters: {
        "places": [("某省", 1), (f"某社区{XSS_PAYLOADS[2]}", 1)], "themes": [("协商议事", 1)]})
    monkeypatch.setattr(pages_data, "case_detail", lambda library, case_id: HOSTILE_CASE)
    practice = {"name": XSS_PAYLOADS[0], "places": [{"place": "某市", "place_chain": ["某省", "某市"]}],
                "cases": [{"case_id": "c1"}]}
    monkeypatch.setattr(pages_data, "practices", lambda library: {"total": 1, "practices": [practice]})
    monkeypatch.setattr(pages_data, "metrics", lambda library, indicator: {"total": 3, "metrics": METRIC_ROWS})


def test_case_fields_are_escaped_on_every_case_page(client, case_data):
    for address in ("/cases", "/cases/c1", "/practices", "/metrics"):
        page = client.get(address)
        assert page.status_code == 200, address
        assert_no_live_markup(page.text)
    detail = client.get("/cases/c1").text
    assert "议事港湾&lt;script&gt;" in detail and "90.5%" in detail and "书记某某" in detail


def test_case_filters_stay_in_the_url(client, case_data):
    page = client.get("/cases", params={"place": "某市", "theme": "协商议事"}).text
    removals = links(page, r"^/cases\?")
    assert {"place": ["某市"]} in removals and {"theme": ["协商议事"]} in removals
    assert {"place": ["某省"], "theme": ["协商议事"]} in links(page, r"^/cases\?"), "browsing by place keeps the theme"


def test_metrics_chart_has_a_bar_per_place_in_the_main_unit(client, case_data):
    page = client.get("/metrics", params={"indicator": "覆盖率"}).text
    bars = re.findall(r'<rect [^>]*width="(\d+)"', page)
    assert len(bars) == 2 and int(bars[0]) > int(bars[1])  # 100% before 80%; 240个 is left to the table
    assert "另有 1 条数据" in page and 'href="/cases/c1"' in page


def test_pages_link_to_each_other_keeping_filters(client, monkeypatch):
    from search_api.routes import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    first = client.get("/", params={"q": QUERY, "sort": "date"}).text
    following = links(first, r"[?&]page=")
    assert following and all(state["q"] == [QUERY] and state["sort"] == ["date"] for state in following)
    second = client.get("/", params={"q": QUERY, "sort": "date", "page": "2"}).text
    hits_one = re.findall(r'href="(/documents/[^"?]+)', first)
    hits_two = re.findall(r'href="(/documents/[^"?]+)', second)
    assert 'start="3"' in second and not set(hits_one) & set(hits_two)


def test_start_page_lists_the_library_a_page_at_a_time(client, monkeypatch):
    from search_api.routes import pages

    monkeypatch.setattr(pages, "LIBRARY_PAGE_SIZE", 3)
    total = client.app.state.library.store.count_documents()
    last_page = -(-total // 3)
    on_last = total - 3 * (last_page - 1)
    first, last = client.get("/").text, client.get("/", params={"page": str(last_page)}).text
    assert first.count("<li>") - last.count("<li>") == 3 - on_last
    assert {"page": ["2"]} in links(first, r"page=")


def test_similar_passages_become_a_shareable_search(client):
    search = client.get("/", params={"q": '"协商议事会议"'}).text
    passage_id = re.search(r'#([0-9a-f]+-\d{4})"', search).group(1)
    answer = client.get("/", params={"like": passage_id}, follow_redirects=False)
    assert answer.status_code == 303
    query = parse_qs(urlsplit(answer.headers["location"]).query)["q"][0]
    assert "业主委员会" in query or "协商" in query
    assert client.get(answer.headers["location"]).text.count('class="hit"') >= 2
    assert client.get("/", params={"like": "nope-0001"}).status_code == 404


def test_page_past_the_end_offers_the_first(client):
    page = client.get("/", params={"q": QUERY, "page": "50"})
    assert page.status_code == 200 and "回到第一页" in page.text
