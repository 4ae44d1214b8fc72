"""How the REST API answers what went wrong: no input echoed beyond a short excerpt, no tracebacks."""

from typing import Any

import httpx
from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prefect.exceptions import PrefectHTTPStatusError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import RETRY_AFTER_S
from prompt_store.exceptions import (
    DatabaseUnavailable,
    InvalidPromptInput,
    LabelAlreadyThere,
    LabelNotFound,
    PromptNotFound,
    PromptStoreError,
    VersionNotFound,
)

EXCERPT_CHARS = 80


class ErrorDetail(BaseModel):
    detail: str


class FieldError(BaseModel):
    """One refused field: where, why, and at most 80 characters of what was sent."""

    loc: list[str | int]
    msg: str
    type: str
    input: str | None = None


class ValidationErrors(BaseModel):
    detail: list[FieldError]


class RunsBusy(Exception):
    """Admission refused: too many runs of the API (or of this caller) not finished yet."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body is not valid JSON or not UTF-8", "model": ErrorDetail},
    401: {"description": "Missing or invalid API token", "model": ErrorDetail},
    413: {"description": "The body is larger than P2V_API_MAX_BODY_BYTES", "model": ErrorDetail},
    422: {"description": "A field is refused (location, message, a short excerpt)", "model": ValidationErrors},
    503: {"description": "The Prefect server is unreachable or the deployment is missing", "model": ErrorDetail},
}


def safe_text(value: object, limit: int | None = None) -> str:
    """Printable, UTF-8 encodable text (lone surrogates escaped), cut to `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def field_error(error: dict[str, Any]) -> FieldError:
    loc = [part if isinstance(part, int) else safe_text(part, EXCERPT_CHARS) for part in error.get("loc", ())]
    given = error.get("input")
    return FieldError(
        loc=loc,
        msg=safe_text(error.get("msg", ""), 200),
        type=safe_text(error.get("type", ""), 60),
        input=None if given is None or isinstance(given, dict | list) else safe_text(given, EXCERPT_CHARS),
    )


async def on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    invalid_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if invalid_json is not None:
        reason = safe_text((invalid_json.get("ctx") or {}).get("error", "malformed"), EXCERPT_CHARS)
        at = invalid_json["loc"][-1] if invalid_json.get("loc") else "?"
        return JSONResponse({"detail": f"the body is not valid JSON: {reason} at position {at}"}, 400)
    body = ValidationErrors(detail=[field_error(e) for e in errors[:20]])
    return JSONResponse(body.model_dump(exclude_none=True), 422)


async def on_prefect_unreachable(_request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, PrefectHTTPStatusError) and exc.response.status_code < 500:
        return JSONResponse({"detail": "the Prefect server refused the request"}, status.HTTP_502_BAD_GATEWAY)
    return JSONResponse(
        {"detail": "the Prefect server is unreachable; try again later"},
        status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def on_runs_busy(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RunsBusy)
    return JSONResponse(
        {"detail": str(exc)}, status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(exc.retry_after_s)}
    )


async def on_http_error(request: Request, exc: Exception) -> Response:
    """As FastAPI does, except that a 405 lists every method of the path: Starlette names only the first route's."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        path = request.scope["path"]
        methods = {
            m for r in request.app.routes if isinstance(r, APIRoute) and r.path_regex.match(path) for m in r.methods
        }
        exc = StarletteHTTPException(405, exc.detail, headers={"Allow": ", ".join(sorted(methods))})
    return await http_exception_handler(request, exc)


async def on_prompt_store_error(_request: Request, exc: Exception) -> JSONResponse:
    """The prompt store's refusals as HTTP: missing -> 404, already there -> 409, bad input -> 400, down -> 503."""
    assert isinstance(exc, PromptStoreError)
    code, detail = status.HTTP_500_INTERNAL_SERVER_ERROR, type(exc).__name__
    if isinstance(exc, PromptNotFound | VersionNotFound | LabelNotFound):
        code, detail = status.HTTP_404_NOT_FOUND, str(exc)
    elif isinstance(exc, LabelAlreadyThere):
        code, detail = status.HTTP_409_CONFLICT, str(exc)
    elif isinstance(exc, InvalidPromptInput):
        code, detail = status.HTTP_400_BAD_REQUEST, str(exc)
    elif isinstance(exc, DatabaseUnavailable):
        code, detail = status.HTTP_503_SERVICE_UNAVAILABLE, "the prompt store's database is unavailable"
    return JSONResponse({"detail": detail}, code)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PromptStoreError, on_prompt_store_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(httpx.TransportError, on_prefect_unreachable)
    app.add_exception_handler(PrefectHTTPStatusError, on_prefect_unreachable)
    app.add_exception_handler(RunsBusy, on_runs_busy)
