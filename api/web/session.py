"""Login by pasted token, the session cookie, CSRF tokens and form bodies of the web pages.

The session cookie holds the user's own token (HttpOnly, SameSite=Strict, Secure over https): the auth middleware
checks it as it checks a bearer token, so revoking or rotating a token ends its web sessions at once. Every POST
form carries a CSRF token that must equal the `p2v_csrf` cookie (double submit); SameSite=Strict and an Origin
check stand behind it.
"""

import hmac
import re
import secrets
from typing import Annotated
from urllib.parse import parse_qs, urlparse

from fastapi import Depends, Request
from fastapi.responses import Response

from api.auth import SESSION_COOKIE, STATE_KEY, ApiUser

CSRF_COOKIE = "p2v_csrf"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE_S = 12 * 3600
MAX_FORM_FIELDS = 50
_CSRF_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the login form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class WebError(Exception):
    """A refusal shown as a page (not JSON): status code and a message for a person."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def web_user(request: Request) -> ApiUser:
    """The signed-in user (the middleware read the session cookie), else a redirect to the login form."""
    user = request.scope.get("state", {}).get(STATE_KEY)
    if not isinstance(user, ApiUser):
        raise LoginRequired(request.url.path)
    return user


WebUser = Annotated[ApiUser, Depends(web_user)]


def csrf_token(request: Request) -> str:
    """The browser's CSRF token (made once per browser and kept in its cookie)."""
    known = request.cookies.get(CSRF_COOKIE, "")
    if _CSRF_SHAPE.fullmatch(known):
        return known
    if not hasattr(request.state, "new_csrf"):
        request.state.new_csrf = secrets.token_urlsafe(32)
    return request.state.new_csrf


def keep_csrf_cookie(request: Request, response: Response) -> None:
    if hasattr(request.state, "new_csrf"):
        set_cookie(request, response, CSRF_COOKIE, request.state.new_csrf)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def start_session(request: Request, response: Response, token: str) -> None:
    set_cookie(request, response, SESSION_COOKIE, token, max_age=SESSION_MAX_AGE_S)


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


async def read_form(request: Request) -> dict[str, str]:
    """A urlencoded form body (the middleware capped its size) checked for its CSRF token; first value per name."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise WebError(415, "send this form from the page")
    _check_origin(request)
    try:
        fields = parse_qs(
            (await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS
        )
    except (UnicodeDecodeError, ValueError):
        raise WebError(400, "the form could not be read; reload the page and try again") from None
    form = {name: values[0] for name, values in fields.items()}
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), form.get(CSRF_FIELD, "").encode()):
        raise WebError(403, "this form expired or came from another site; reload the page and send it again")
    return form


def safe_next(path: str | None) -> str:
    """Where to go after login: a page of this site only (no `//host`, no scheme)."""
    if path and path.startswith("/web") and not path.startswith("//") and "\\" not in path:
        return path
    return "/web/"


def _check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and urlparse(origin).netloc != request.headers.get("host"):
        raise WebError(403, "this form came from another site")
