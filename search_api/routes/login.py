"""GET/POST /login and POST /logout: a page session from a read or write token (search_api/sessions.py).

Both forms carry the session's CSRF token; logging in starts a new session (new CSRF token), so a session
seen before login is worth nothing after it. Login attempts count against REDPROP_LOGIN_RATE_LIMIT.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.auth import role_of
from search_api.errors import TooManyRequests
from search_api.routes.pages import render
from search_api.sessions import CSRF_FIELD, Session, new_session

router = APIRouter(include_in_schema=False)
ROLE_LABELS = {"read": "读取令牌", "write": "写入令牌"}


def safe_next(target: str | None) -> str:
    """Only a path on this site (never `//host` or `/\\host`, which browsers read as another site)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\", "/login")):
        return "/"
    return target


def _form(request: Request, session: Session, status: int = 200, error: str | None = None) -> Response:
    params = request.query_params
    response = render(request, "login.html", status=status, error=error, csrf=session.csrf,
                      next=safe_next(params.get("next")), need=params.get("need"), session=session,
                      ROLE_LABELS=ROLE_LABELS)
    request.app.state.sessions.save(response, request, session)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    if request.app.state.sessions is None:  # no token configured: nothing to log in to
        return RedirectResponse("/", status_code=303)
    return _form(request, request.state.session or new_session())


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    sessions = request.app.state.sessions
    if sessions is None:
        return RedirectResponse("/", status_code=303)
    session: Session | None = request.state.session
    form = await request.form()
    if session is None or not session.csrf_matches(str(form.get(CSRF_FIELD, ""))):
        return _form(request, session or new_session(), 400, "表单已过期或浏览器未保存 Cookie,请重新提交")
    try:
        request.app.state.rate_limits.check(request, request.app.state.rate_limits.login, "login")
    except TooManyRequests as error:
        response = _form(request, session, error.status, error.message)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    role = role_of(str(form.get("token", "")), request.app.state.settings)
    if role is None:
        return _form(request, session, 401, "令牌无效,请检查后重试")
    response = RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)
    sessions.save(response, request, new_session(role))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session: Session | None = request.state.session
    form = await request.form()
    if session is None or not session.csrf_matches(str(form.get(CSRF_FIELD, ""))):
        return render(request, "error.html", status=400, message="退出失败:表单已过期,请刷新页面后重试")
    response = RedirectResponse("/login", status_code=303)
    request.app.state.sessions.clear(response, request)
    return response
