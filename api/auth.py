"""Who is calling: the bearer token is checked, and the body capped, before any route reads a byte of the body.

`AuthMiddleware` wraps the whole app, so every route (also routers included later) is behind it, except the
OpenAPI pages. Routes get the caller through the `current_user` dependency.

The web pages (`/web/...`, api/web/) also accept the session cookie the login page sets; there a request without a
valid token goes on without a user, and the page sends it to the login form. The cookie counts nowhere else under
`/api` except for reading a video (`GET /api/videos/<id>`, which the page's player fetches): bearer auth is unchanged.
"""

import hmac
import json
import logging
from collections.abc import Callable
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prompt_store.users import UserTokens

log = logging.getLogger(__name__)
ADMIN_USER = "admin"
MIN_TOKEN_CHARS = 32
MAX_TOKEN_CHARS = 256
OPEN_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
STATE_KEY = "p2v_user"
RETRY_AFTER_S = 10
WEB_PREFIX = "/web"
SESSION_COOKIE = "p2v_session"
COOKIE_API_PREFIX = "/api/videos/"

_bearer = HTTPBearer(auto_error=False, description="A user's API token (`p2v users add`) or P2V_API_TOKEN.")


class ApiUser(BaseModel):
    """The authenticated caller; `admin` is the bootstrap token of P2V_API_TOKEN."""

    username: str


def current_user(
    request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> ApiUser:
    """The caller the middleware authenticated (declared with HTTPBearer so OpenAPI shows the scheme)."""
    user = request.scope.get("state", {}).get(STATE_KEY)
    if not isinstance(user, ApiUser):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or invalid API token")
    return user


CurrentUser = Annotated[ApiUser, Depends(current_user)]


class BodyTooLarge(Exception):
    pass


class AuthMiddleware:
    """401 without a valid token, 413 past the body cap; only then does the app run (with the body replayed)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        admin_token: str | None,
        users: Callable[[], UserTokens],
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.admin_token = admin_token.encode() if admin_token else None
        self.users = users
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        web = is_web_path(scope["path"])
        token = _bearer_token(scope)
        if token is None and (web or _cookie_readable_api(scope)):
            token = cookie_parser(dict(scope["headers"]).get(b"cookie", b"").decode("latin-1")).get(SESSION_COOKIE)
        try:
            username = await self.authenticate(token)
        except Exception as exc:  # noqa: BLE001 - the user database is down: say so, never a traceback
            log.warning("user lookup failed (%s): answering 503", type(exc).__name__)
            await _reply(
                send, 503, "the user database is unavailable; try again later", {"retry-after": str(RETRY_AFTER_S)}
            )
            return
        if username is None and not web:
            await _reply(send, 401, "missing or invalid API token", {"www-authenticate": "Bearer"})
            return
        try:
            body = await self.read_body(scope, receive)
        except BodyTooLarge:
            await _reply(send, 413, f"the request body is larger than {self.max_body_bytes} bytes", {})
            return
        if username is not None:
            scope.setdefault("state", {})[STATE_KEY] = ApiUser(username=username)
        await self.app(scope, _replay(body, receive), send)

    async def authenticate(self, token: str | None) -> str | None:
        return await check_token(token, admin_token=self.admin_token, users=self.users)

    async def read_body(self, scope: Scope, receive: Receive) -> bytes:
        """The whole body, refusing a declared or streamed size past the cap without reading further."""
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            raise BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


async def check_token(token: str | None, *, admin_token: bytes | None, users: Callable[[], UserTokens]) -> str | None:
    """The user whose token this is (`admin` for P2V_API_TOKEN), else None."""
    if token is None or not MIN_TOKEN_CHARS <= len(token) <= MAX_TOKEN_CHARS:
        return None
    given = token.encode("utf-8", "surrogateescape")
    if admin_token is not None and hmac.compare_digest(given, admin_token):
        return ADMIN_USER
    return await anyio.to_thread.run_sync(users().authenticate, token)


def is_web_path(path: str) -> bool:
    return path == WEB_PREFIX or path.startswith(f"{WEB_PREFIX}/")


def _cookie_readable_api(scope: Scope) -> bool:
    return scope.get("method") in ("GET", "HEAD") and scope["path"].startswith(COOKIE_API_PREFIX)


def _bearer_token(scope: Scope) -> str | None:
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _reply(send: Send, code: int, detail: str, headers: dict[str, str]) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(name.encode(), value.encode()) for name, value in headers.items()]
    raw.append((b"connection", b"close"))  # the unread rest of a refused body is not worth waiting for
    await send({"type": "http.response.start", "status": code, "headers": raw})
    await send({"type": "http.response.body", "body": body})
