"""Watch (player, files, storyboard with credits, make again), Library (own videos, publish to YouTube once)."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, PlainTextResponse, Response
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun

from api.admission import Admission
from api.rest import ApiVideoRequest, start_video_run
from api.rest_errors import RunsBusy
from api.web.render import render, see_other
from api.web.session import WebError, WebUser, read_form
from api.web.videos import (
    LibraryItem,
    Published,
    library_item,
    owned_video,
    request_of,
    scene_credits,
    srt_to_vtt,
    user_runs,
)
from services.settings import Settings

YOUTUBE = "youtube"
FILES = {
    "thumbnail.jpg": "image/jpeg",
    "contact_sheet.png": "image/png",
    "captions.srt": "application/x-subrip",
    "metadata.json": "application/json",
}


def watch_router(settings: Settings, admission: Admission) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def own_video(task_id: UUID, username: str) -> tuple[FlowRun, str | None, Published | None]:
        async with get_client() as client:
            try:
                return await owned_video(client, settings, username, task_id)
            except HTTPException as exc:
                raise WebError(exc.status_code, "There is no video of yours with this id.") from None

    async def start(username: str, parameters: dict[str, Any]) -> Response:
        """Start a run of `parameters` (a request the API took before, so valid unless the rules changed)."""
        fresh = {"fresh": True} if parameters.get("fresh") else {}
        try:
            request = ApiVideoRequest.model_validate({k: v for k, v in parameters.items() if k != "fresh"})
        except ValueError:
            raise WebError(422, "This run's request is no longer valid; make it again from the form.") from None
        try:
            flow_run = await start_video_run(
                settings, admission, username, request.model_dump(exclude_none=True) | fresh
            )
        except RunsBusy as exc:
            raise WebError(429, str(exc)) from None
        except HTTPException as exc:
            raise WebError(exc.status_code, str(exc.detail)) from None
        return see_other(f"/web/runs/{flow_run.id}")

    @router.get("/web/videos/{task_id}")
    async def watch(request: Request, task_id: UUID, user: WebUser) -> Response:
        flow_run, link, published = await own_video(task_id, user.username)
        if flow_run.state is None or not flow_run.state.is_completed():
            return see_other(f"/web/runs/{task_id}")
        metadata = published.metadata if published else {}
        context = {
            "task_id": task_id,
            "prompt": flow_run.parameters.get("prompt", ""),
            "external_url": link if published is None else None,
            "metadata": metadata,
            "files": sorted(n for n in FILES if published and (published.folder / n).is_file()),
            "credits": scene_credits(metadata),
        }
        return render(request, "watch.html", context)

    @router.get("/web/videos/{task_id}/files/{name}")
    async def video_file(task_id: UUID, name: str, user: WebUser) -> Response:
        _, _, published = await own_video(task_id, user.username)
        wanted = "captions.srt" if name == "captions.vtt" else name
        if published is None or wanted not in FILES or not (published.folder / wanted).is_file():
            raise WebError(404, "This video has no such file.")
        if name == "captions.vtt":
            text = (published.folder / wanted).read_text(encoding="utf-8")
            return PlainTextResponse(srt_to_vtt(text), media_type="text/vtt")
        return FileResponse(published.folder / wanted, media_type=FILES[wanted])

    @router.post("/web/videos/{task_id}/again")
    async def again(request: Request, task_id: UUID, user: WebUser) -> Response:
        form = await read_form(request)
        flow_run, _, _ = await own_video(task_id, user.username)
        return await start(user.username, request_of(flow_run) | ({"fresh": True} if form.get("fresh") else {}))

    @router.get("/web/library")
    async def library(request: Request, user: WebUser) -> Response:
        async with get_client() as client:
            items = [
                await library_item(client, settings, user.username, r) for r in await user_runs(client, user.username)
            ]
        on_youtube = await run_in_threadpool(_youtube_publications, items)
        return render(request, "library.html", {"items": items, "on_youtube": on_youtube})

    @router.post("/web/videos/{task_id}/publish")
    async def publish(request: Request, task_id: UUID, user: WebUser) -> Response:
        await read_form(request)
        flow_run, _, published = await own_video(task_id, user.username)
        sha = published.metadata.get("sha256") if published else None
        if not isinstance(sha, str):
            raise WebError(409, "Only a finished video made here can be published to YouTube.")
        if (await run_in_threadpool(_youtube_publications_of, [sha])).get(sha):
            return see_other("/web/library")  # published already: once, as everywhere
        return await start(user.username, request_of(flow_run) | {"publish_target": YOUTUBE})

    return router


def _youtube_publications(items: list[LibraryItem]) -> dict[str, str]:
    return _youtube_publications_of([i.video_sha256 for i in items if i.video_sha256])


def _youtube_publications_of(hashes: list[str]) -> dict[str, str]:
    """video sha256 -> its YouTube URL, from the publication ledger (what `publish_video` records)."""
    if not hashes:
        return {}
    from prompt_store import get_ledger

    ledger = get_ledger()
    found = {sha: ledger.find(YOUTUBE, sha) for sha in set(hashes)}
    return {sha: publication.url for sha, publication in found.items() if publication is not None}
