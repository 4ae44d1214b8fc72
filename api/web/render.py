"""Server-rendered pages: Jinja2 templates shipped in this package, strict security headers, HTML error pages."""

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.auth import STATE_KEY
from api.web.session import LoginRequired, WebError, csrf_token, keep_csrf_cookie

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
STATIC_DIR = HERE / "static"
# Nothing inline and nothing from elsewhere: scripts and styles come from /web/static only.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    user = request.scope.get("state", {}).get(STATE_KEY)
    values = {"user": user, "csrf": csrf_token(request), "path": request.url.path, **context}
    response = TEMPLATES.TemplateResponse(request, template, values, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    keep_csrf_cookie(request, response)
    return response


def see_other(url: str) -> RedirectResponse:
    """After a POST: the browser GETs the next page (no resubmission on reload)."""
    return RedirectResponse(url, status_code=303)


async def on_login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return see_other(f"/web/login?next={quote(exc.next_path)}")


async def on_web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return render(request, "error.html", {"status": exc.status_code, "message": exc.message}, exc.status_code)
