"""`/api/prompts/...`: read prompts over HTTP (list, `_search`, one version with ETag caching, history).

`_search` cannot clash with a prompt name: names start with a letter or digit.

Included by `api.rest.create_app`, so the app-wide auth dependency guards every route here too. Store calls block:
the handlers are plain functions, which FastAPI runs in its thread pool.
"""

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, StringConstraints

from prompt_store import get_store
from prompt_store import validation as check
from prompt_store.exceptions import (
    DatabaseUnavailable,
    InvalidPromptInput,
    PromptNotFound,
    PromptStoreError,
    VersionNotFound,
)
from prompt_store.finder import QUERY_MAX_CHARS
from prompt_store.schemas import PromptInfo, PromptType, SearchHit, SearchMode, VersionInfo
from prompt_store.store import PromptStore
from prompt_store.validation import NAME_PATTERN

# The schema states what the store accepts, so a schema-valid request is never refused by the checks behind it.
# at least one visible character, no NUL; the same in Python, Rust (pydantic) and ECMA (OpenAPI) regexes
_WORDS = r"^[^\x00]*[^\s\x00-\x1f\x7f-\x9f\ufeff][^\x00]*$"
Tag = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=_WORDS)]
Name = Annotated[str, Path(pattern=NAME_PATTERN.pattern, description="e.g. storyboard.system")]


class PromptApiError(BaseModel):
    detail: str


def single_valued(request: Request) -> None:
    """Refuse a repeated query parameter other than `tag` (FastAPI would silently keep the last value)."""
    keys = [key for key, _ in request.query_params.multi_items() if key != "tag"]
    for key in {key for key in keys if keys.count(key) > 1}:
        error = {"type": "value_error", "loc": ("query", key), "msg": "given more than once", "input": None}
        raise RequestValidationError([error])


router = APIRouter(
    prefix="/api/prompts",
    tags=["prompts"],
    dependencies=[Depends(single_valued)],
    responses={
        400: {"description": "A bad name, query, type or tag (our checks)", "model": PromptApiError},
        503: {"description": "The prompt store's database is unavailable", "model": PromptApiError},
    },
)
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such prompt or version", "model": PromptApiError}
}


def prompt_store() -> PromptStore:
    """The store the routes read; tests override this dependency with a store on their own database."""
    return get_store()


Store = Annotated[PromptStore, Depends(prompt_store)]


def etag(version: VersionInfo) -> str:
    """Strong validator of one immutable version: its name, number and a digest of its content."""
    content = json.dumps([version.text, version.parameters], sort_keys=True, ensure_ascii=False)
    return f'"{version.name}-v{version.version}-{hashlib.sha256(content.encode()).hexdigest()[:16]}"'


def _http_error(exc: PromptStoreError) -> HTTPException:
    if isinstance(exc, PromptNotFound | VersionNotFound):
        return HTTPException(status.HTTP_404_NOT_FOUND, str(exc))
    if isinstance(exc, InvalidPromptInput):
        return HTTPException(status.HTTP_400_BAD_REQUEST, str(exc))
    if isinstance(exc, DatabaseUnavailable):
        return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the prompt store's database is unavailable")
    return HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, type(exc).__name__)


@router.get("/", response_model=list[PromptInfo])
def list_prompts(
    store: Store,
    prompt_type: Annotated[PromptType | None, Query(alias="type")] = None,
    tag: Annotated[list[Tag] | None, Query(description="Repeat for prompts with every one of these tags.")] = None,
) -> list[PromptInfo]:
    """Every prompt with its active version."""
    try:
        _check_filters(prompt_type, tag)
        found = store.list_prompts(prompt_type=prompt_type, tag=tag[0] if tag else None)
        return [p for p in found if set(tag or []) <= set(p.tags)]
    except PromptStoreError as exc:
        raise _http_error(exc) from None


@router.get("/_search", response_model=list[SearchHit])
def search_prompts(
    store: Store,
    q: Annotated[
        str,
        Query(max_length=QUERY_MAX_CHARS, pattern=_WORDS, description="Words or a description of the prompt."),
    ],
    mode: SearchMode = "hybrid",
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    prompt_type: Annotated[PromptType | None, Query(alias="type")] = None,
    tag: Annotated[list[Tag] | None, Query()] = None,
    all_versions: bool = False,
) -> list[SearchHit]:
    """Prompts by meaning, words and name (hybrid by default), one row per prompt unless `all_versions`."""
    try:
        _check_filters(prompt_type, tag)
        return store.search(q, mode=mode, k=k, prompt_type=prompt_type, tags=tag, all_versions=all_versions)
    except PromptStoreError as exc:
        raise _http_error(exc) from None


@router.get("/{name}", response_model=VersionInfo, responses={304: {"description": "Not modified"}, **_NOT_FOUND})
def get_prompt(
    store: Store,
    name: Name,
    response: Response,
    version: Annotated[int | None, Query(ge=1, description="Default: the active version.")] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> VersionInfo | Response:
    """One version (the active one by default) with an ETag; a matching If-None-Match gets 304 and no body."""
    try:
        found = store.show(check.check_name(name), version)
    except PromptStoreError as exc:
        raise _http_error(exc) from None
    tag = etag(found)
    if if_none_match is not None and (if_none_match.strip() == "*" or tag in _listed_tags(if_none_match)):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-cache" if version is None else "max-age=31536000, immutable"
    return found


@router.get("/{name}/history", response_model=list[VersionInfo], responses=_NOT_FOUND)
def prompt_history(store: Store, name: Name) -> list[VersionInfo]:
    """Every version, newest first."""
    try:
        return store.history(check.check_name(name))
    except PromptStoreError as exc:
        raise _http_error(exc) from None


def _check_filters(prompt_type: str | None, tags: list[str] | None) -> None:
    """Refuse odd filter values (e.g. NUL bytes) with 400 before they reach SQL."""
    if prompt_type is not None:
        check.check_type(prompt_type)
    check.check_tags(tags)


def _listed_tags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",")}
