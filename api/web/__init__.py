"""The creators' web pages (docs/web.md), served by the REST API's app under /web with the same users, tokens and
admission limits."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.admission import Admission
from api.web.login import login_router
from api.web.make import make_router
from api.web.prompts_page import router as prompts_page_router
from api.web.render import STATIC_DIR, on_login_required, on_web_error
from api.web.session import LoginRequired, WebError
from api.web.watch import watch_router
from services.settings import Settings


def install_web(app: FastAPI, settings: Settings, admission: Admission) -> None:
    app.mount("/web/static", StaticFiles(directory=STATIC_DIR), name="web-static")
    app.include_router(login_router(settings))
    app.include_router(make_router(settings, admission))
    app.include_router(watch_router(settings, admission))
    app.include_router(prompts_page_router)
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(WebError, on_web_error)
