"""Page sessions: a signed cookie saying which token a person logged in with, and the CSRF token of their forms.

The cookie is signed and timed with itsdangerous (URLSafeTimedSerializer), so it cannot be forged or kept past
REDPROP_SESSION_MAX_AGE; it is HttpOnly and SameSite=Strict. It never holds a token, only the role ("read" or
"write") the token gave. The signing key is REDPROP_SESSION_SECRET (or a random key kept in the data folder,
so every worker and restart shares it) joined with the configured tokens: changing a token ends every session
made with the old one.
"""
from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import HTTPConnection
from starlette.responses import Response

from search_api.settings import Settings

COOKIE = "redprop_session"
CSRF_FIELD = "csrf_token"
KEY_FILE = "session.key"
SALT = "redprop.page-session"
ROLES = ("read", "write")  # a write session may also read


@dataclass(frozen=True)
class Session:
    role: str | None  # None: not logged in yet (the login form's CSRF token still needs a session)
    csrf: str

    def allows(self, role: str | None) -> bool:
        return role is None or (self.role in ROLES and ROLES.index(self.role) >= ROLES.index(role))

    def csrf_matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode("utf-8"), self.csrf.encode("utf-8"))


def new_session(role: str | None = None) -> Session:
    """A fresh CSRF token with every new session (so logging in never keeps a token seen before)."""
    return Session(role, secrets.token_urlsafe(32))


def stored_key(home: Path) -> bytes:
    """The data folder's random signing key, created once (O_EXCL: two workers starting together agree)."""
    path = Path(home) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)  # the server's start-up, not a read, makes the data folder
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as key_file:
        key = secrets.token_bytes(32)
        key_file.write(key)
    return key


class SessionCookies:
    """Reads and writes the session cookie for one app's settings."""

    def __init__(self, settings: Settings):
        self.max_age = int(settings.session_max_age)
        base = settings.session_secret.encode("utf-8") if settings.session_secret else stored_key(settings.home)
        tokens = "\0".join(token or "" for token in (settings.read_token, settings.write_token)).encode("utf-8")
        self.serializer = URLSafeTimedSerializer(base + b"\0" + tokens, salt=SALT)

    def load(self, connection: HTTPConnection) -> Session | None:
        """The request's session, or None when there is none, it was tampered with, or it expired."""
        value = connection.cookies.get(COOKIE)
        if not value:
            return None
        try:
            data = self.serializer.loads(value, max_age=self.max_age)
            role, csrf = data.get("role"), data["csrf"]
        except (BadSignature, KeyError, TypeError, AttributeError):
            return None
        return Session(role if role in ROLES else None, str(csrf))

    def save(self, response: Response, connection: HTTPConnection, session: Session) -> None:
        response.set_cookie(COOKIE, self.serializer.dumps({"role": session.role, "csrf": session.csrf}),
                            max_age=self.max_age, path="/", httponly=True, samesite="strict",
                            secure=connection.url.scheme == "https")

    def clear(self, response: Response, connection: HTTPConnection) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                               secure=connection.url.scheme == "https")
