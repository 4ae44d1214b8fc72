"""The login form (paste your API token) and logout."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.auth import check_token
from api.web.render import render, see_other
from api.web.session import end_session, read_form, safe_next, start_session
from prompt_store.users import get_user_tokens
from services.settings import Settings


def login_router(settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    admin = settings.api_token.get_secret_value().encode() if settings.api_token else None

    @router.get("/web/login")
    async def login_page(request: Request, next: str | None = None) -> Response:
        return render(request, "login.html", {"next": safe_next(next), "error": None})

    @router.post("/web/login")
    async def login(request: Request) -> Response:
        form = await read_form(request)
        token = form.get("token", "").strip()
        next_path = safe_next(form.get("next"))
        if await check_token(token, admin_token=admin, users=get_user_tokens) is None:
            error = "This token is not valid. Paste the token that p2v users add printed for you."
            return render(request, "login.html", {"next": next_path, "error": error}, 401)
        response = see_other(next_path)
        start_session(request, response, token)
        return response

    @router.post("/web/logout")
    async def logout(request: Request) -> Response:
        await read_form(request)
        response = see_other("/web/login")
        end_session(response)
        return response

    return router
