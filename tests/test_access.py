"""With a read token set, nothing but /healthz, /login and the static files answers without credentials.

Every route the app has is probed (enumerated from app.routes, so a page or route added later is covered
without touching this file) with no, wrong and right credentials.
"""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # FastAPI before 0.16x lists the included routers' routes in app.routes itself
    def iter_route_contexts(routes):
        return routes

from search_api.app import create_app
from search_api.auth import PUBLIC_PATHS
from search_api.sessions import COOKIE, SessionCookies, new_session
from search_api.settings import Settings

READ = "read-token-7d1"
WRITE = "write-token-42b"
PARAM = re.compile(r"\{[^}]+\}")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(Settings(home=tmp_path_factory.mktemp("access"), read_token=READ, write_token=WRITE,
                               rate_limit="10000/minute", login_rate_limit="10000/minute"))


def requests_of(app) -> list[tuple[str, str]]:
    """(method, concrete path) for every route: path parameters filled with a made-up id."""
    probes = []
    for route in iter_route_contexts(app.routes):
        if isinstance(getattr(route, "route", route), Mount):
            probes.append(("GET", f"{route.path}/style.css"))
        else:
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                probes.append((method, PARAM.sub("nosuchid", route.path)))
    assert len(probes) > 20, probes  # the enumeration itself works
    return probes


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith("/static/")


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def refused_unknown(path: str) -> set[int]:
    """A collection's edit key is checked against that collection: for a made-up one the answer is 404."""
    return {404} if "/collections/nosuchid" in path else set()


def login(client: TestClient, token: str, next_path: str = "/") -> TestClient:
    form = client.get("/login", params={"next": next_path})
    response = client.post("/login", data={"token": token, "csrf_token": CSRF.search(form.text).group(1),
                                           "next": next_path}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def test_the_probe_list_covers_pages_api_docs_and_forms(app):
    probes = set(requests_of(app))
    for expected in [("GET", "/"), ("GET", "/documents/nosuchid"), ("GET", "/cases"), ("GET", "/practices"),
                     ("GET", "/metrics"), ("GET", "/upload"), ("POST", "/upload"), ("GET", "/api/search"),
                     ("GET", "/api/suggest"), ("POST", "/api/documents"), ("GET", "/openapi.json"), ("GET", "/docs"),
                     ("GET", "/collections"), ("POST", "/collections/add"), ("GET", "/practices/nosuchid")]:
        assert expected in probes


def test_without_credentials_api_answers_401_and_pages_send_to_login(app):
    client = TestClient(app)
    for method, path in requests_of(app):
        response = client.request(method, path, follow_redirects=False)
        if is_public(path):
            assert response.status_code not in (401, 403), (method, path)
        elif is_api(path):
            assert response.status_code == 401, (method, path)
            assert response.headers["www-authenticate"] == "Bearer" and "令牌" in response.json()["error"]
        else:
            assert response.status_code == 303, (method, path)
            location = urlsplit(response.headers["location"])
            assert location.path == "/login" and parse_qs(location.query)["next"] == [path], (method, path)


def test_wrong_credentials_are_refused_everywhere(app):
    forged = SessionCookies(Settings(home=app.state.settings.home, read_token="other", write_token="other",
                                     session_secret="guess"))
    client = TestClient(app)
    cookie = forged.serializer.dumps({"role": "write", "csrf": "x"})
    for method, path in requests_of(app):
        if is_public(path):
            continue
        client.cookies.set(COOKIE, cookie)
        response = client.request(method, path, headers={"Authorization": "Bearer not-the-token"},
                                  follow_redirects=False)
        expected = {403, *refused_unknown(path)} if is_api(path) else {303}
        assert response.status_code in expected, (method, path)


def test_right_credentials_open_every_route(app):
    reader = TestClient(app, headers={"Authorization": f"Bearer {READ}"})
    page_reader = login(TestClient(app), READ)
    writer = login(TestClient(app), WRITE)
    for method, path in requests_of(app):
        if is_public(path):
            continue
        if is_api(path):
            answer = reader.request(method, path, follow_redirects=False).status_code
            if method == "GET":
                assert answer not in (401, 403), (method, path)
            else:  # the read token reads; writes need the write token
                assert answer in {403, *refused_unknown(path)}, (method, path)
                writer_answer = writer.request(method, path, headers={"Authorization": f"Bearer {WRITE}"},
                                               follow_redirects=False).status_code
                assert writer_answer not in (401, 403), (method, path)
        else:
            session = writer if path == "/upload" else page_reader
            answer = session.request(method, path, follow_redirects=False)
            assert answer.status_code not in (401, 303) or "/login" not in answer.headers.get("location", ""), \
                (method, path)


def test_login_sets_a_signed_httponly_strict_cookie_with_an_expiry(app):
    client = TestClient(app)
    form = client.get("/login", params={"next": "/cases?place=某市"})
    assert form.status_code == 200 and 'type="password"' in form.text and "令牌" in form.text
    csrf = CSRF.search(form.text).group(1)
    response = client.post("/login", data={"token": READ, "csrf_token": csrf, "next": "/cases?place=某市"},
                           follow_redirects=False)
    assert response.status_code == 303 and unquote(response.headers["location"]) == "/cases?place=某市"
    header = response.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=strict" in header and "Max-Age=28800" in header
    assert READ not in header  # the cookie holds the role, never the token
    assert client.get("/cases").status_code == 200
    assert client.get("/api/suggest", params={"q": "红色"}).status_code == 200  # the pages' script reads the API


def test_login_refuses_a_wrong_token_and_a_missing_csrf_token(app):
    client = TestClient(app)
    csrf = CSRF.search(client.get("/login").text).group(1)
    wrong = client.post("/login", data={"token": "guess", "csrf_token": csrf}, follow_redirects=False)
    assert wrong.status_code == 401 and "令牌无效" in wrong.text
    forged = client.post("/login", data={"token": READ, "csrf_token": "made-up"}, follow_redirects=False)
    assert forged.status_code == 400 and client.get("/", follow_redirects=False).status_code == 303
    stranger = TestClient(app).post("/login", data={"token": READ}, follow_redirects=False)  # no session cookie
    assert stranger.status_code == 400


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "https://evil.example/", "/login"])
def test_login_only_returns_to_this_site(app, target):
    client = TestClient(app)
    csrf = CSRF.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"token": READ, "csrf_token": csrf, "next": target},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_logout_needs_the_csrf_token_and_ends_the_session(app):
    client = login(TestClient(app), READ)
    page = client.get("/cases")
    assert "退出登录" in page.text
    assert client.post("/logout", data={"csrf_token": "made-up"}).status_code == 400
    assert client.get("/cases", follow_redirects=False).status_code == 200
    response = client.post("/logout", data={"csrf_token": CSRF.search(page.text).group(1)}, follow_redirects=False)
    assert response.status_code == 303 and f'{COOKIE}=""' in response.headers["set-cookie"]
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_an_expired_session_sends_back_to_login(app, monkeypatch):
    sessions: SessionCookies = app.state.sessions
    signed_at = int(time.time()) - sessions.max_age - 60
    monkeypatch.setattr("itsdangerous.timed.TimestampSigner.get_timestamp", lambda self: signed_at)
    old = sessions.serializer.dumps({"role": "read", "csrf": "x"})
    monkeypatch.undo()
    client = TestClient(app, cookies={COOKIE: old})
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.set(COOKIE, sessions.serializer.dumps({"role": "read", "csrf": "x"}))
    assert client.get("/", follow_redirects=False).status_code == 200


def test_changing_a_token_ends_its_sessions(tmp_path):
    before = create_app(Settings(home=tmp_path, read_token=READ))
    cookie = before.state.sessions.serializer.dumps({"role": "read", "csrf": "x"})
    after = create_app(Settings(home=tmp_path, read_token=READ + "-new"))
    assert TestClient(before, cookies={COOKIE: cookie}).get("/", follow_redirects=False).status_code == 200
    assert TestClient(after, cookies={COOKIE: cookie}).get("/", follow_redirects=False).status_code == 303


def test_a_page_session_never_authorises_an_api_write(app):
    writer = login(TestClient(app), WRITE)
    assert writer.post("/api/reindex").status_code == 401
    assert writer.delete("/api/documents/x").status_code == 401


def test_upload_page_needs_a_write_session(app):
    reader = login(TestClient(app), READ)
    response = reader.get("/upload", follow_redirects=False)
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers["location"]).query) == {"next": ["/upload"], "need": ["write"]}
    assert "写入令牌" in reader.get(response.headers["location"]).text


def test_upload_form_needs_its_csrf_token_and_then_ingests(tmp_path):
    app = create_app(Settings(home=tmp_path, write_token=WRITE, parse_timeout=30))
    assert TestClient(app).get("/", follow_redirects=False).status_code == 200  # no read token: reads are public
    assert TestClient(app).get("/upload", follow_redirects=False).status_code == 303
    writer = login(TestClient(app), WRITE, "/upload")
    page = writer.get("/upload")
    assert page.status_code == 200 and 'name="token"' not in page.text  # the token never goes in this form
    files = [("files", ("议事会.txt", "议事会纪要\n\n小区议事会每月召开一次,商议物业服务事项。\n".encode(), "text/plain"))]
    forged = writer.post("/upload", data={"csrf_token": "made-up"}, files=files)
    assert forged.status_code == 403 and app.state.library.store.count_documents() == 0
    done = writer.post("/upload", data={"csrf_token": CSRF.search(page.text).group(1)}, files=files)
    assert done.status_code == 200 and "已导入" in done.text and "议事会.txt" in done.text
    assert app.state.library.store.count_documents() == 1


def test_without_tokens_everything_is_open_and_login_is_not_needed(tmp_path):
    client = TestClient(create_app(Settings(home=tmp_path)))
    assert client.get("/", follow_redirects=False).status_code == 200
    assert client.get("/login", follow_redirects=False).status_code == 303
    assert client.get("/upload").status_code == 200 and "REDPROP_TOKEN" in client.get("/upload").text
    assert not (tmp_path / "session.key").exists()  # no sessions, no key


def test_session_key_is_created_once_and_private(tmp_path):
    first = create_app(Settings(home=tmp_path, read_token=READ))
    second = create_app(Settings(home=tmp_path, read_token=READ))  # another worker or a restart
    cookie = first.state.sessions.serializer.dumps({"role": "read", "csrf": new_session().csrf})
    assert TestClient(second, cookies={COOKIE: cookie}).get("/", follow_redirects=False).status_code == 200
    assert (tmp_path / "session.key").stat().st_mode & 0o077 == 0


def test_login_attempts_are_rate_limited_per_client(tmp_path):
    app = create_app(Settings(home=tmp_path, read_token=READ, login_rate_limit="2/minute"))
    client = TestClient(app)
    csrf = CSRF.search(client.get("/login").text).group(1)
    answers = [client.post("/login", data={"token": "guess", "csrf_token": csrf}) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [401, 401, 429]
    assert "请求过于频繁" in answers[2].text and int(answers[2].headers["retry-after"]) >= 1
    right = client.post("/login", data={"token": READ, "csrf_token": csrf}, follow_redirects=False)
    assert right.status_code == 429  # even the right token waits: guessing is what the limit slows
    other = TestClient(app, client=("192.0.2.7", 50000))
    other_csrf = CSRF.search(other.get("/login").text).group(1)
    assert other.post("/login", data={"token": READ, "csrf_token": other_csrf},
                      follow_redirects=False).status_code == 303


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"}])
def test_form_posts_from_another_site_are_refused_on_every_page(app, headers):
    client = login(TestClient(app), WRITE)
    page_posts = [path for method, path in requests_of(app) if method == "POST" and not is_api(path)]
    assert {"/login", "/logout", "/upload", "/collections/add"} <= set(page_posts)
    for path in page_posts:
        response = client.post(path, data={"token": WRITE}, headers=headers, follow_redirects=False)
        assert response.status_code == 403 and "其他网站" in response.text, path
    same_site = client.post("/collections/add", data={}, headers={"Origin": "http://testserver"},
                            follow_redirects=False)
    assert same_site.status_code != 403 or "其他网站" not in same_site.text
