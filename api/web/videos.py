"""What the pages show of a user's runs: library rows, a finished video's folder and metadata, live step status.

Ownership is the REST API's (`own_run`: a run the API started for this user, else 404) and a local video's files
are served only from inside the user's own output folder (`contained_file`).
"""

import html
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi import HTTPException
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterTags,
)
from prefect.client.schemas.objects import FlowRun
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL
from pydantic import BaseModel

from api.rest import ApiVideoRequest, contained_file, own_run, user_output_dir
from api.run_status import TaskStatus, read_task_status, video_link
from services.run_tags import API_TAG, user_tag
from services.settings import Settings

LIBRARY_LIMIT = 100
CARD_REASON = "no footage left for it after the other scenes chose theirs"
_FALLBACK_ROW = re.compile(r"^\| (\d+) \| (.*) \|$", re.MULTILINE)


class Fallback(BaseModel):
    scene: int
    reason: str


class FollowStatus(TaskStatus):
    """The REST status plus what the Follow page adds: scenes that fell back, the Prefect UI link."""

    fallbacks: list[Fallback] = []
    prefect_url: str | None = None
    watch_url: str | None = None


class LibraryItem(BaseModel):
    task_id: UUID
    prompt: str
    state: str
    finished: bool
    created: datetime | None
    target: str
    title: str | None = None
    local_folder: str | None = None
    youtube_url: str | None = None
    video_sha256: str | None = None


class Published(BaseModel):
    """A finished local video: its folder under the user's output folder and its metadata.json."""

    folder: Path
    metadata: dict[str, Any]


def prefect_run_url(flow_run_id: UUID) -> str | None:
    """The run in the Prefect UI (for operators), when the API knows where that UI is."""
    ui = PREFECT_UI_URL.value() or (str(PREFECT_API_URL.value() or "").removesuffix("/").removesuffix("/api") or None)
    return f"{ui.rstrip('/')}/runs/flow-run/{flow_run_id}" if ui else None


async def follow_status(
    client: PrefectClient, flow_run: FlowRun, secrets: list[str], settings: Settings, username: str
) -> FollowStatus:
    """The REST status, the scenes whose search fell back and, once the video is published, every scene that
    got a generated card (also those whose footage went to another scene)."""
    status = await read_task_status(client, flow_run, secrets=secrets)
    follow = FollowStatus(**status.model_dump(), prefect_url=prefect_run_url(flow_run.id))
    follow.fallbacks = await _fallbacks(client, flow_run.id)
    if status.state == "COMPLETED":
        follow.watch_url = f"/web/videos/{flow_run.id}"
        published = published_video(await video_link(client, flow_run.id), settings, username)
        known = {f.scene for f in follow.fallbacks}
        for scene in published.metadata.get("scenes", []) if published else []:
            if scene.get("generated_fallback") and scene.get("index") not in known:
                follow.fallbacks.append(Fallback(scene=int(scene["index"]), reason=CARD_REASON))
        follow.fallbacks.sort(key=lambda f: f.scene)
    return follow


async def _fallbacks(client: PrefectClient, flow_run_id: UUID) -> list[Fallback]:
    """The scenes the run's `media-fallbacks` artifact lists (it exists only when some scene fell back)."""
    artifacts = await client.read_artifacts(
        artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]), key=ArtifactFilterKey(any_=["media-fallbacks"])
        )
    )
    text = str(artifacts[0].data) if artifacts else ""
    return [Fallback(scene=int(m.group(1)), reason=_unescape(m.group(2))) for m in _FALLBACK_ROW.finditer(text)]


def _unescape(cell: str) -> str:
    """A markdown cell written by flows.artifacts back to its text (backslash escapes, then HTML entities)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", cell))


async def user_runs(client: PrefectClient, username: str) -> list[FlowRun]:
    """The runs the API started for this user, newest first."""
    return await client.read_flow_runs(
        flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[API_TAG, user_tag(username)])),
        sort=FlowRunSort.EXPECTED_START_TIME_DESC,
        limit=LIBRARY_LIMIT,
    )


async def library_item(client: PrefectClient, settings: Settings, username: str, run: FlowRun) -> LibraryItem:
    state = run.state
    item = LibraryItem(
        task_id=run.id,
        prompt=str(run.parameters.get("prompt", "")),
        state=state.type.value if state else "PENDING",
        finished=bool(state and state.is_final()),
        created=run.expected_start_time or run.created,
        target=str(run.parameters.get("publish_target", "local")),
    )
    if state and state.is_completed():
        link = await video_link(client, run.id)
        if link and link.startswith("file:"):
            published = published_video(link, settings, username)
            if published is not None:
                item.local_folder = published.folder.name
                item.title = published.metadata.get("title")
                item.video_sha256 = published.metadata.get("sha256")
        elif link:
            item.youtube_url = link
    return item


def published_video(link: str | None, settings: Settings, username: str) -> Published | None:
    """The local video's folder and metadata, when the link points inside the user's own output folder."""
    try:
        video = contained_file(link, user_output_dir(settings, username))
    except HTTPException:
        return None
    try:
        metadata = json.loads((video.parent / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        metadata = {}
    return Published(folder=video.parent, metadata=metadata if isinstance(metadata, dict) else {})


async def owned_video(
    client: PrefectClient, settings: Settings, username: str, task_id: UUID
) -> tuple[FlowRun, str | None, Published | None]:
    """The user's run (404 for anyone else's), its video link and, for a local video, its folder."""
    flow_run = await own_run(client, task_id, username)
    link = await video_link(client, task_id) if flow_run.state and flow_run.state.is_completed() else None
    return flow_run, link, published_video(link, settings, username)


def request_of(flow_run: FlowRun) -> dict[str, Any]:
    """The run's request as the REST API took it (the fields of ApiVideoRequest that the run was given)."""
    fields = set(ApiVideoRequest.model_fields)
    return {k: v for k, v in flow_run.parameters.items() if k in fields and v is not None}


def srt_to_vtt(srt: str) -> str:
    """WebVTT for the <track> element: the same cues, with '.' before the milliseconds."""
    body = re.sub(r"(\d{2}:\d{2}:\d{2}),(\d{3})", r"\1.\2", srt.replace("\r\n", "\n"))
    return "WEBVTT\n\n" + body


def scene_credits(metadata: dict[str, Any]) -> list[str]:
    """One line per distinct credited piece of footage, in scene order (as the published description credits it)."""
    lines: list[str] = []
    for scene in metadata.get("scenes", []):
        for media in [scene.get("media") or {}, *scene.get("extra_media", [])]:
            if media.get("attribution"):
                licence = f", {media['license']}" if media.get("license") else ""
                lines.append(f"{media['attribution']} ({media.get('provider', '?')}{licence})")
    return list(dict.fromkeys(lines))
