"""Compose in segments as Prefect tasks: plan, `render_segment.map(...)`, the sound and extras beside, then join.

Segments and the sound land in the parts folder (<data_dir>/work/parts) under their content keys; `render_segment`
is also cached by Prefect under the segment's content key, so an edited scene re-renders only its segment(s) and
the unchanged ones show as Cached. At most P2V_COMPOSE_WORKERS segment or sound renders run at once per process;
`prefect concurrency-limit create compose-segment N` bounds them across all workers.
"""

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import TASK_SOURCE, CachePolicy
from prefect.context import TaskRunContext

from services.compose import build_composer, segmented
from services.compose import segment_render as segment_service
from services.compose.render import check_inputs
from services.compose.segments import SegmentedPlan, SegmentFile, SegmentJob
from services.models import RenderedVideo, Timeline
from services.settings import get_settings
from tasks.resume import IntactInputs, result_storage, resumable, step_timeout

SEGMENT_TAG = "compose-segment"
"""Not `compose`: a `compose` concurrency limit of 1 (one whole render at a time) must not serialise segments."""
_slots = threading.BoundedSemaphore(get_settings().compose_workers)


@dataclass
class SegmentContent(CachePolicy):
    """Cache key part: the segment's content key (media contents, shots, cues, encoder), not the whole job."""

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        job = inputs.get("job")
        return job.content_key() if isinstance(job, SegmentJob) else None


def parts_dir() -> Path:
    return get_settings().work_dir / "parts"


def render_dir(timeline: Timeline) -> Path:
    """The render folder of this timeline (the same one compose_video uses)."""
    key = hashlib.sha256(timeline.model_dump_json().encode()).hexdigest()[:16]
    return get_settings().work_dir / "renders" / key


@task(name="plan_segments", tags=["compose"], timeout_seconds=step_timeout())
def plan_segments(timeline: Timeline) -> SegmentedPlan:
    """Check every input file, then cut the render plan into one segment per scene."""
    check_inputs(timeline)
    composer = build_composer(get_settings())
    return segmented.SegmentedComposer(composer, parts_dir=parts_dir()).plan(timeline)


@task(
    name="render_segment",
    task_run_name="render-segment-{job.index}",
    retries=1,
    retry_delay_seconds=5,
    tags=[SEGMENT_TAG],
    timeout_seconds=step_timeout(),
    cache_policy=IntactInputs(base=SegmentContent() + TASK_SOURCE),
    persist_result=True,
    result_storage=result_storage(),
)
def render_segment(job: SegmentJob) -> SegmentFile:
    """One segment's picture into the parts folder (an ffmpeg of its own)."""
    with _slots:
        return segment_service.render_segment(job, parts_dir(), timeout_s=get_settings().ffmpeg_timeout_s)


@task(name="render_sound", retries=1, retry_delay_seconds=5, tags=[SEGMENT_TAG], timeout_seconds=step_timeout())
def render_sound(timeline: Timeline) -> Path:
    """The whole video's sound track, reused from the parts folder when its content key is there."""
    settings = get_settings()
    with _slots:
        return segmented.render_sound(
            timeline, parts_dir(), music_cache_dir=settings.cache_dir / "music", timeout_s=settings.ffmpeg_timeout_s
        )


@task(name="write_extras", retries=1, retry_delay_seconds=5, tags=["compose"], timeout_seconds=step_timeout())
def write_extras(timeline: Timeline) -> segmented.VideoExtras:
    """Thumbnail, contact sheet and caption files into the render folder."""
    return segmented.write_extras(timeline, render_dir(timeline), timeout_s=get_settings().ffmpeg_timeout_s)


@task(
    name="join_segments",
    retries=1,
    retry_delay_seconds=5,
    tags=["compose"],
    timeout_seconds=step_timeout(),
    **resumable(),
)
def join_segments(
    timeline: Timeline, segments: list[SegmentFile], sound: Path, extras: segmented.VideoExtras
) -> RenderedVideo:
    """The segments and the sound joined by stream copy into the render folder's video.mp4."""
    folder = render_dir(timeline)
    return segmented.join_video(segments, sound, extras, folder, timeout_s=get_settings().ffmpeg_timeout_s)
