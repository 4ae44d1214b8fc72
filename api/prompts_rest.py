"""`/api/prompts/...`: prompts over HTTP: list, `_search`, one version (by label, number or A/B split) with ETag
caching, history, labels; writes: commit a version, move or delete a label (audited as the authenticated user).

`_search` cannot clash with a prompt name: names start with a letter or digit.

Included by `api.rest.create_app`, so the app-wide auth dependency guards every route here too. Store calls block:
the handlers are plain functions, which FastAPI runs in its thread pool.
"""

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.auth import CurrentUser
from prompt_store import get_store
from prompt_store import validation as check
from prompt_store.exceptions import InvalidPromptInput
from prompt_store.finder import QUERY_MAX_CHARS
from prompt_store.labels import LABEL_PATTERN, parse_split
from prompt_store.schemas import (
    AuditEvent,
    LabelInfo,
    LabelMove,
    PromptInfo,
    PromptType,
    SearchHit,
    SearchMode,
    VersionInfo,
)
from prompt_store.store import PromptStore
from prompt_store.templates import NAME as TEMPLATE_NAME
from prompt_store.templates import TemplateVariable
from prompt_store.validation import NAME_PATTERN

# The schema states what the store accepts, so a schema-valid request is never refused by the checks behind it.
# at least one visible character, no NUL; the same in Python, Rust (pydantic) and ECMA (OpenAPI) regexes
_WORDS = r"^[^\x00]*[^\s\x00-\x1f\x7f-\x9f\ufeff][^\x00]*$"
Tag = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=_WORDS)]
Name = Annotated[str, Path(pattern=NAME_PATTERN.pattern, description="e.g. storyboard.system")]
Label = Annotated[str, Path(pattern=LABEL_PATTERN.pattern, description="production, staging or any label")]
Reason = Annotated[str, StringConstraints(max_length=2000)]
_SPLIT = r"^[a-z0-9][a-z0-9._-]{0,63}(:[0-9.]+)?( *, *[a-z0-9][a-z0-9._-]{0,63}(:[0-9.]+)?){0,9}$"


MAX_VERSION = 2**31 - 1
"""Version numbers are Postgres integers."""
VersionNumber = Annotated[int, Field(ge=1, le=MAX_VERSION)]
VariableName = Annotated[str, StringConstraints(pattern=TEMPLATE_NAME.pattern)]


class CommitBody(BaseModel):
    """A new version; an omitted field keeps the production version's (so tags or parameters alone can change)."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(min_length=1, max_length=200_000)] | None = None
    parameters: dict[str, Any] | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    variables: dict[VariableName, TemplateVariable] = Field(
        default=None,  # omitted: the production version's variables
        description='Template variables, e.g. {"topic": {"type": "str", "default": "cats"}}',
        json_schema_extra={"additionalProperties": False},
    )
    message: Reason = ""
    label: Annotated[str, StringConstraints(pattern=LABEL_PATTERN.pattern)] = "production"


class LabelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: VersionNumber
    reason: Reason = ""


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


_WRITE: dict[int | str, dict[str, Any]] = {
    **_NOT_FOUND,
    409: {"description": "The label already points at that version", "model": PromptApiError},
}


@router.get("/", response_model=list[PromptInfo])
def list_prompts(
    store: Store,
    prompt_type: Annotated[PromptType | None, Query(alias="type")] = None,
    tag: Annotated[list[Tag] | None, Query(description="Repeat for prompts with every one of these tags.")] = None,
) -> list[PromptInfo]:
    """Every prompt with its active version."""
    _check_filters(prompt_type, tag)
    found = store.list_prompts(prompt_type=prompt_type, tag=tag[0] if tag else None)
    return [p for p in found if set(tag or []) <= set(p.tags)]


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
    _check_filters(prompt_type, tag)
    return store.search(q, mode=mode, k=k, prompt_type=prompt_type, tags=tag, all_versions=all_versions)


@router.get("/{name}", response_model=VersionInfo, responses={304: {"description": "Not modified"}, **_NOT_FOUND})
def get_prompt(
    store: Store,
    name: Name,
    response: Response,
    version: Annotated[
        int | None, Query(ge=1, le=MAX_VERSION, description="A version number; with `label`, only if it points there.")
    ] = None,
    label: Annotated[
        str | None,
        Query(pattern=_SPLIT, description='A label (default production) or an A/B split "production:80,staging:20".'),
    ] = None,
    run_key: Annotated[str | None, Query(max_length=200, description="Picks a split's label (e.g. a run id).")] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> VersionInfo | Response:
    """One version (production's by default) with an ETag; a matching If-None-Match gets 304 and no body."""
    if version is None or label is not None:
        labelled = _label_version(store, check.check_name(name), label or "production", run_key)
        if version is not None and version != labelled:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"label {label} points at version {labelled}")
        version = labelled
        response.headers["Cache-Control"] = "no-cache"
    else:
        response.headers["Cache-Control"] = "max-age=31536000, immutable"
    found = store.show(check.check_name(name), version)
    tag = etag(found)
    if if_none_match is not None and (if_none_match.strip() == "*" or tag in _listed_tags(if_none_match)):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
    response.headers["ETag"] = tag
    return found


@router.post("/{name}/versions", status_code=201, response_model=VersionInfo, responses=_WRITE)
def commit_version(store: Store, user: CurrentUser, name: Name, body: CommitBody, response: Response) -> VersionInfo:
    """Commit the next version as the authenticated user and point `label` at it (production: active)."""
    try:
        committed = store.commit(
            check.check_name(name),
            body.text,
            parameters=body.parameters,
            tags=body.tags,
            variables=None if body.variables is None else {k: v.model_dump() for k, v in body.variables.items()},
            author=user.username,
            message=body.message,
            label=body.label,
        )
    except InvalidPromptInput as exc:
        raise _unprocessable("body", exc.field, exc.message) from None
    response.headers["Location"] = f"{router.prefix}/{name}?version={committed.version}"
    return committed


@router.get("/{name}/labels", response_model=list[LabelInfo], responses=_NOT_FOUND)
def list_labels(store: Store, name: Name) -> list[LabelInfo]:
    """Every label of the prompt and the version it points at."""
    return store.labels(check.check_name(name))


@router.put("/{name}/labels/{label}", response_model=LabelMove, responses=_WRITE)
def move_label(store: Store, user: CurrentUser, name: Name, label: Label, body: LabelBody) -> LabelMove:
    """Point the label at a version (created if new); one locked, audited move. 409 if it is already there."""
    return store.move_label(check.check_name(name), label, body.version, actor=user.username, reason=body.reason)


@router.delete("/{name}/labels/{label}", response_model=AuditEvent, responses=_WRITE)
def delete_label(
    store: Store, user: CurrentUser, name: Name, label: Label, reason: Annotated[Reason, Query()] = ""
) -> AuditEvent:
    """Remove the label (audited as `unlabel`); production cannot be removed."""
    try:
        return store.delete_label(check.check_name(name), label, actor=user.username, reason=reason)
    except InvalidPromptInput as exc:
        raise _unprocessable("path", exc.field, exc.message) from None


@router.get("/{name}/history", response_model=list[VersionInfo], responses=_NOT_FOUND)
def prompt_history(store: Store, name: Name) -> list[VersionInfo]:
    """Every version, newest first."""
    return store.history(check.check_name(name))


def _label_version(store: PromptStore, name: str, spec: str, run_key: str | None) -> int:
    """The version a label, or a split's label for `run_key`, points at now."""
    if len(parse_split(spec)) > 1:
        if run_key is None:
            raise _unprocessable("query", "run_key", "a split needs run_key (the same key always gets the same label)")
        return store.resolve_for_run(name, spec, run_key).version
    return store.get_active_prompt(name, spec).version


def _unprocessable(where: str, field: str, message: str) -> RequestValidationError:
    """A 422 in the app's format (rest_errors): where and why, without the value."""
    return RequestValidationError([{"type": "value_error", "loc": (where, field), "msg": message, "input": None}])


def _check_filters(prompt_type: str | None, tags: list[str] | None) -> None:
    """Refuse odd filter values (e.g. NUL bytes) with 400 before they reach SQL."""
    if prompt_type is not None:
        check.check_type(prompt_type)
    check.check_tags(tags)


def _listed_tags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",")}
