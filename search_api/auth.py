"""Who may read and write. One gate (AccessGate) sees every request; API writes also need the write token.

- No REDPROP_READ_TOKEN: reads are public. With one, every path except PUBLIC_PATHS needs credentials:
  API routes (`/api/…`) a Bearer token (read or write) or, for reads, a page session (the pages' own scripts
  call the API with it; SameSite=Strict keeps other sites from using it); 401 without, 403 for a wrong token.
  Anything else (pages, `/docs`, pages added later) needs a page session, or is redirected to `/login`.
- Pages in WRITE_PAGES (`/upload`) need a session opened with the write token.
- API writes are left to their routes' guards (`require_write`: the write token; collections also take their
  edit key), which take a Bearer token only, never a cookie, so no form on any site can reach them.
- A form post to any page (POST, PUT, PATCH, DELETE outside `/api/`) must come from this site: a browser's
  Origin (or Sec-Fetch-Site) naming another site is refused with 403, so every form, including ones added
  later, resists cross-site posting even before its own CSRF token (login, logout and upload check one too).
The gate is middleware, not a per-route dependency, so a page added by any router is closed by default.
Tokens are compared with hmac.compare_digest so the time taken does not reveal how much of a guess matched.
With no write token configured, writes are disabled outright rather than open to anyone.
"""
from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from search_api.errors import Forbidden, Unauthorized
from search_api.sessions import Session
from search_api.settings import Settings

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <令牌>")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
PUBLIC_PATHS = {"/healthz", "/login", "/logout"}  # monitoring, and the way in and out
PUBLIC_PREFIXES = ("/static/",)  # stylesheet and script, the same for everyone
API_PREFIX = "/api/"
WRITE_PAGES = {"/upload"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
NEED_READ = "需要读取令牌:请在请求头中提供 Authorization: Bearer <令牌>"
CROSS_SITE_PAGE = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>拒绝跨站提交 · redprop</title>'
                   '<p>拒绝提交:这个表单来自其他网站。请在本站页面上重新操作。</p><p><a href="/">返回首页</a></p></html>')


def token_matches(given: str | None, expected: str) -> bool:
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def role_of(token: str | None, settings: Settings) -> str | None:
    """"write", "read" or None: what a presented token allows (the write token also reads)."""
    if settings.write_token and token_matches(token, settings.write_token):
        return "write"
    if settings.read_token and token_matches(token, settings.read_token):
        return "read"
    return None


def bearer_token(connection: HTTPConnection) -> str | None:
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def page_role_needed(path: str, settings: Settings) -> str | None:
    if path in WRITE_PAGES and settings.write_token:
        return "write"
    return "read" if settings.read_token else None


class AccessGate:
    """ASGI middleware: admits a request or answers 401/403 (API) or a redirect to /login (pages).

    Puts the request's page session (or None) in `request.state.session` for the pages and their forms."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        state = connection.app.state
        session = state.sessions.load(connection) if state.sessions else None
        scope.setdefault("state", {})["session"] = session
        refusal = self.refusal(connection, state.settings, session)
        if refusal is None:
            await self.app(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    def refusal(self, connection: HTTPConnection, settings: Settings, session: Session | None):
        path = connection.url.path
        unsafe = connection.scope["method"] not in SAFE_METHODS
        if unsafe and not path.startswith(API_PREFIX) and not same_site(connection):
            return HTMLResponse(CROSS_SITE_PAGE, status_code=403)
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        token = bearer_token(connection)
        if path.startswith(API_PREFIX):
            if unsafe or not settings.read_token or role_of(token, settings):
                return None  # writes are checked by their routes' guards
            if token is None and session and session.allows("read"):
                return None
            if token is None:
                return JSONResponse({"error": NEED_READ}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
            return JSONResponse({"error": "读取令牌无效"}, status_code=403)
        needed = page_role_needed(path, settings)
        if needed is None or (session and session.allows(needed)) or _allows(role_of(token, settings), needed):
            return None
        target = path + (f"?{connection.url.query}" if connection.url.query else "")
        query = {"next": target} | ({"need": "write"} if needed == "write" else {})
        return RedirectResponse("/login?" + urlencode(query), status_code=303)


def same_site(connection: HTTPConnection) -> bool:
    """Whether a browser says the request comes from a page of this site (clients without these headers, such
    as curl, are not browsers carrying someone's cookies)."""
    origin = connection.headers.get("origin")
    if origin:  # "null" (a sandboxed or privacy-stripped origin) is never this site
        return origin != "null" and urlsplit(origin).netloc == connection.headers.get("host")
    return connection.headers.get("sec-fetch-site") in (None, "same-origin", "none")


def _allows(role: str | None, needed: str) -> bool:
    return role is not None and Session(role, "").allows(needed)


def require_write(request: Request, credentials: Credentials) -> None:
    expected = request.app.state.settings.write_token
    if not expected:
        raise Forbidden("写入功能未启用:服务器未配置 REDPROP_TOKEN,无法上传、删除或重建索引")
    if credentials is None:
        raise Unauthorized("需要写入令牌:请在请求头中提供 Authorization: Bearer <令牌>")
    if not token_matches(credentials.credentials, expected):
        raise Forbidden("写入令牌无效")


WriteAccess = Depends(require_write)
# Reads are checked by AccessGate; this only shows the Bearer scheme on the read routes in /docs.
ReadAccess = Depends(bearer)
