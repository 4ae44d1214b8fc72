"""Make (the form) and Follow (a run's steps, live over server-sent events)."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any, get_args
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse
from prefect.client.orchestration import get_client
from pydantic import ValidationError

from api.admission import Admission
from api.rest import ApiVideoRequest, own_run, secret_values, start_video_run
from api.rest_errors import RunsBusy, field_error
from api.web.render import render, see_other
from api.web.session import WebError, WebUser, read_form
from api.web.videos import follow_status
from services.models import MOODS, Aspect, CaptionStyle, PublishTarget, VoiceChoice
from services.settings import Settings

FORM_FIELDS = ("prompt", "aspect", "scenes", "duration_s", "language", "voice", "publish_target", "captions", "music")
POLL_S = 1.0
STREAM_MAX_S = 3600.0
SETTLE_S = 15.0
ACTIVE_STEPS = frozenset({"Scheduled", "Late", "Pending", "Running", "Retrying", "AwaitingRetry", "Paused"})
NUMBERS = frozenset({"scenes", "duration_s"})
FIELD_LABELS = {
    "prompt": "What is the video about?",
    "aspect": "Frame",
    "duration_s": "Length (seconds)",
    "scenes": "Scenes",
    "language": "Language",
    "captions": "Captions",
    "music": "Music",
    "voice": "Voice",
    "publish_target": "Publish to",
}


def form_payload(form: dict[str, str]) -> dict[str, Any]:
    """The form as the JSON body the REST API would get: blanks left out, numbers as numbers where they parse
    (what does not parse stays text, so the model refuses it with the API's own message)."""
    payload: dict[str, Any] = {"prompt": form.get("prompt", "")}
    for name in FORM_FIELDS[1:]:
        value = form.get(name, "").strip()
        if value:
            payload[name] = _number(value, int if name == "scenes" else float) if name in NUMBERS else value
    return payload


def _number(text: str, kind: type[int] | type[float]) -> Any:
    try:
        return kind(text)
    except ValueError:
        return text


def validate_form(form: dict[str, str]) -> tuple[ApiVideoRequest | None, dict[str, str]]:
    """The REST POST's model and messages: (request, {}) or (None, {field: message})."""
    try:
        return ApiVideoRequest.model_validate(form_payload(form)), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            shown = field_error(dict(error))
            name = str(shown.loc[0]) if shown.loc else "prompt"
            errors.setdefault(name, shown.msg)
        return None, errors


def form_options(settings: Settings) -> dict[str, Any]:
    return {
        "aspects": get_args(Aspect),
        "captions_styles": get_args(CaptionStyle),
        "moods": MOODS,
        "targets": get_args(PublishTarget),
        "voice": settings.voice,
        "voices": get_args(VoiceChoice),
        "labels": FIELD_LABELS,
    }


def make_router(settings: Settings, admission: Admission) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    secrets = secret_values(settings)

    def make_page(request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Response:
        context = {"values": values, "errors": errors, **form_options(settings)}
        return render(request, "make.html", context, status_code)

    @router.get("/web")
    @router.get("/web/")
    async def make_form(request: Request, user: WebUser) -> Response:
        return make_page(request, {"publish_target": "local"}, {})

    @router.post("/web/make")
    async def make(request: Request, user: WebUser) -> Response:
        form = await read_form(request)
        video_request, errors = validate_form(form)
        if video_request is None:
            return make_page(request, form, errors, 422)
        try:
            flow_run = await start_video_run(
                settings, admission, user.username, video_request.model_dump(exclude_none=True)
            )
        except RunsBusy as exc:
            return make_page(request, form, {"form": str(exc)}, 429)
        except HTTPException as exc:
            return make_page(request, form, {"form": str(exc.detail)}, exc.status_code)
        return see_other(f"/web/runs/{flow_run.id}")

    @router.get("/web/runs/{task_id}")
    async def follow(request: Request, task_id: UUID, user: WebUser) -> Response:
        async with get_client() as client:
            flow_run = await _own(client, task_id, user.username)
            status = await follow_status(client, flow_run, secrets, settings, user.username)
        return render(request, "follow.html", {"status": status, "prompt": flow_run.parameters.get("prompt", "")})

    @router.get("/web/runs/{task_id}/events")
    async def events(request: Request, task_id: UUID, user: WebUser) -> StreamingResponse:
        async with get_client() as client:
            await _own(client, task_id, user.username)
        return StreamingResponse(
            _status_stream(request, task_id, secrets, settings, user.username),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return router


async def _status_stream(
    request: Request, task_id: UUID, secrets: list[str], settings: Settings, username: str
) -> AsyncIterator[str]:
    """One `status` event per second until the run is finished and its steps have settled (then `done`), or the
    browser goes away. Task states reach the server as events, so the last step may still read Running for a
    moment after the flow run is final: the stream waits up to SETTLE_S for it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STREAM_MAX_S
    settle_by: float | None = None
    async with get_client() as client:
        while loop.time() < deadline and not await request.is_disconnected():
            flow_run = await client.read_flow_run(task_id)
            status = await follow_status(client, flow_run, secrets, settings, username)
            yield f"event: status\ndata: {status.model_dump_json()}\n\n"
            if status.finished:
                settle_by = settle_by or loop.time() + SETTLE_S
                if loop.time() >= settle_by or not any(step.state in ACTIVE_STEPS for step in status.steps):
                    yield "event: done\ndata: {}\n\n"
                    return
            await asyncio.sleep(POLL_S)


async def _own(client: Any, task_id: UUID, username: str) -> Any:
    try:
        return await own_run(client, task_id, username)
    except HTTPException as exc:
        raise WebError(exc.status_code, "There is no run of yours with this id.") from None
