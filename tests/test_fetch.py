"""Documents by URL, against a local HTTP server: pages, redirects, limits, content types, the SSRF guard,
and the same through `redprop ingest URL`, `--urls FILE` and `POST /api/documents {"urls": [...]}`."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from fixtures_build import ARTICLE, page_html

from ingest.errors import LimitExceeded
from ingest.fetch import ALLOW_PRIVATE_ENV, FetchError, fetch
from search_api.app import create_app
from search_api.citation import document_citation
from search_api.cli import main
from search_api.settings import Settings

PAGE = page_html(ARTICLE)
LIMIT = 64 * 1024


class Site(BaseHTTPRequestHandler):
    """/page.html; /hop/N redirects N times before the page; /big (no length, endless), /declared-big;
    /data.json (a type we don't read); /file.pdf as application/octet-stream; /changing serves `Site.body`."""

    body = PAGE

    def do_GET(self):  # the http.server hook
        path = self.path
        if path == "/page.html":
            self.reply(200, "text/html; charset=utf-8", PAGE)
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", "/page.html" if left <= 1 else f"/hop/{left - 1}")
            self.end_headers()
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(4 * LIMIT // 1024):
                self.wfile.write(b"<p>" + b"x" * 1017 + b"</p>\n")
        elif path == "/declared-big":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(10 * LIMIT))
            self.end_headers()
        elif path == "/data.json":
            self.reply(200, "application/json", b'{"a": 1}')
        elif path == "/missing":
            self.reply(404, "text/html", b"not found")
        elif path == "/changing":
            self.reply(200, "text/html; charset=utf-8", Site.body)
        else:
            self.reply(404, "text/plain", b"")

    def reply(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def local(monkeypatch):
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


def test_page_is_fetched_with_its_type(site, local):
    fetched = fetch(f"{site}/page.html")
    assert (fetched.suffix, fetched.data) == (".html", PAGE)


def test_private_address_is_refused_without_the_setting(site, monkeypatch):
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)
    for url in (f"{site}/page.html", site.replace("127.0.0.1", "localhost") + "/page.html"):
        with pytest.raises(FetchError, match=ALLOW_PRIVATE_ENV):
            fetch(url)


def test_redirect_chain_of_five_is_followed_and_a_sixth_refused(site, local):
    assert fetch(f"{site}/hop/5").url == f"{site}/page.html"
    with pytest.raises(FetchError, match="跳转超过 5 次"):
        fetch(f"{site}/hop/6")


@pytest.mark.parametrize("path", ["/big", "/declared-big"])
def test_oversize_body_is_refused(site, local, path):
    with pytest.raises(LimitExceeded, match="上限"):
        fetch(f"{site}{path}", max_bytes=LIMIT)


@pytest.mark.parametrize("url, reason", [
    ("/data.json", "不支持的内容类型 application/json"),
    ("/missing", "404"),
    ("ftp://example.org/a.pdf", "只支持 http/https"),
    ("http://[::1/a", "网址格式不正确"),
])
def test_what_cannot_be_ingested_is_refused_with_the_reason(site, local, url, reason):
    with pytest.raises(FetchError, match=reason) as caught:
        fetch(url if "://" in url else f"{site}{url}")
    assert caught.value.path.endswith(url)


def test_cli_ingests_a_url_stores_it_and_cites_it_as_online(site, local, tmp_path, library):
    url = f"{site}/hop/2"
    result = CliRunner().invoke(main, ["ingest", url, "--home", str(library.home), "--json"])
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.output)["ingested"]
    assert entry["path"] == url and entry["titles"] == [ARTICLE.title]
    from search_api import service

    shown = service.show_document(library, entry["doc_ids"][0])
    assert shown["url"] == f"{site}/page.html" and shown["source"] == url
    cited = document_citation(shown)
    assert f"{ARTICLE.title}[EB/OL]" in cited and cited.endswith(f"{site}/page.html.")
    assert f"[{shown['ingested_at'][:10]}]" in cited


def test_refetching_an_unchanged_page_changes_nothing_and_a_changed_one_replaces_it(site, local, library):
    url = f"{site}/changing"
    Site.body = PAGE

    def ingest() -> dict:
        return json.loads(CliRunner().invoke(main, ["ingest", url, "--home", str(library.home), "--json"]).output)

    first = ingest()["ingested"][0]["doc_ids"]
    assert ingest()["unchanged"][0]["doc_ids"] == first
    Site.body = PAGE.replace("居民满意度".encode(), "业主满意度".encode())
    changed = ingest()["ingested"][0]["doc_ids"]
    assert changed != first and library.store.doc_ids() == set(changed)


def test_urls_file_and_a_bad_url_in_one_batch(site, local, tmp_path, library):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# 今天要导入的网址\n{site}/page.html\n\n{site}/data.json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", "--urls", str(listing), "--home", str(library.home)])
    assert result.exit_code == 1
    assert f"已导入  {site}/page.html" in result.output
    assert "不支持的内容类型" in result.output and "导入 1,未变化 0,失败 1" in result.output


def test_api_ingests_urls_with_the_token_only(site, local, library):
    client = TestClient(create_app(Settings(home=library.home, write_token="tok")))
    body = {"urls": [f"{site}/page.html"]}
    assert client.post("/api/documents", json=body).status_code == 401
    response = client.post("/api/documents", json=body, headers={"Authorization": "Bearer tok"})
    assert response.status_code == 200, response.text
    assert response.json()["ingested"][0]["path"] == f"{site}/page.html"
    refused = client.post("/api/documents", json={"urls": [f"{site}/data.json"]}, headers={"Authorization": "Bearer tok"})
    assert refused.status_code == 422 and "不支持的内容类型" in refused.json()["error"]
    assert client.post("/api/documents", json={"urls": []}, headers={"Authorization": "Bearer tok"}).status_code == 400
