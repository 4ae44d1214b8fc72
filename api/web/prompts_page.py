"""Prompts (read-only): the prompts that steer the planner, search, one prompt's versions and labels.

Store calls block, so the handlers are plain functions (FastAPI runs them in its thread pool)."""

from typing import Annotated, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.web.render import render
from api.web.session import WebError, WebUser
from prompt_store import get_store
from prompt_store.exceptions import PromptNotFound, PromptStoreError
from prompt_store.finder import QUERY_MAX_CHARS
from prompt_store.schemas import SearchMode
from prompt_store.validation import NAME_PATTERN

router = APIRouter(include_in_schema=False)


@router.get("/web/prompts")
def prompts(
    request: Request,
    user: WebUser,
    q: Annotated[str, Query(max_length=QUERY_MAX_CHARS)] = "",
    mode: SearchMode = "hybrid",
) -> Response:
    store = get_store()
    query = q.strip()
    try:
        listed = store.list_prompts()
        hits = store.search(query, mode=mode, k=20) if query and "\x00" not in query else None
    except PromptStoreError as exc:
        raise WebError(503, f"The prompt store cannot answer now ({type(exc).__name__}).") from None
    context = {"prompts": listed, "hits": hits, "q": q, "mode": mode, "modes": get_args(SearchMode)}
    return render(request, "prompts.html", context)


@router.get("/web/prompts/{name}")
def prompt_versions(request: Request, name: str, user: WebUser) -> Response:
    if not NAME_PATTERN.fullmatch(name):
        raise WebError(404, "There is no prompt with this name.")
    store = get_store()
    try:
        versions = store.history(name)
        labels = store.labels(name)
    except PromptNotFound:
        raise WebError(404, "There is no prompt with this name.") from None
    except PromptStoreError as exc:
        raise WebError(503, f"The prompt store cannot answer now ({type(exc).__name__}).") from None
    by_version: dict[int, list[str]] = {}
    for label in labels:
        by_version.setdefault(label.version, []).append(label.label)
    return render(request, "prompt.html", {"name": name, "versions": versions, "labels": by_version})
