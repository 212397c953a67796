"""Bearer-token guards: writes need REDPROP_TOKEN; reads are public unless REDPROP_READ_TOKEN is set.

Tokens are compared with hmac.compare_digest so the time taken does not reveal how much of a guess matched.
With no write token configured, writes are disabled outright rather than open to anyone.
"""
from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from search_api.errors import Forbidden, Unauthorized

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <令牌>")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def token_matches(given: str | None, expected: str) -> bool:
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def require_write(request: Request, credentials: Credentials) -> None:
    expected = request.app.state.settings.write_token
    if not expected:
        raise Forbidden("写入功能未启用:服务器未配置 REDPROP_TOKEN,无法上传、删除或重建索引")
    if credentials is None:
        raise Unauthorized("需要写入令牌:请在请求头中提供 Authorization: Bearer <令牌>")
    if not token_matches(credentials.credentials, expected):
        raise Forbidden("写入令牌无效")


def require_read(request: Request, credentials: Credentials) -> None:
    expected = request.app.state.settings.read_token
    if not expected:
        return
    if credentials is None:
        raise Unauthorized("需要读取令牌:请在请求头中提供 Authorization: Bearer <令牌>")
    write = request.app.state.settings.write_token
    if not (token_matches(credentials.credentials, expected) or (write and token_matches(credentials.credentials, write))):
        raise Forbidden("读取令牌无效")


WriteAccess = Depends(require_write)
ReadAccess = Depends(require_read)
