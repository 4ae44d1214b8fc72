"""Compose in segments as Prefect tasks: plan, `render_segment.map(...)`, the sound and extras beside, then join.

Segments and the sound are kept under their content keys: in the parts folder (<data_dir>/work/parts), or with
P2V_STORAGE_URL in the bucket (`parts/...`, see tasks/segment_storage.py), so the join may run on another worker
than the segments and a segment already stored is not rendered again by any worker. `render_segment` is also
cached by Prefect under the segment's content key: an edited scene re-renders only its segment(s) and the others
show as Cached. At most P2V_COMPOSE_WORKERS segment or sound renders run at once per process;
`prefect concurrency-limit create compose-segment N` bounds them across all workers.
"""

import os
import socket
import threading
from pathlib import Path

from prefect import task
from prefect.cache_policies import TASK_SOURCE
from prefect.logging import get_run_logger

from services.compose import build_composer, segmented
from services.compose import segment_render as segment_service
from services.compose.music import resolve_music
from services.compose.render import check_inputs
from services.compose.segments import SegmentedPlan, SegmentJob
from services.models import ArtifactRef, RenderedVideo, Timeline
from services.settings import get_settings
from services.storage import build_store, in_folder
from tasks.compose import compose_step, render_key
from tasks.resume import resumable
from tasks.segment_storage import (
    SegmentContent,
    StoredExtras,
    StoredSegment,
    check_stored_inputs,
    segment_key,
    with_local_footage,
    with_local_narration,
    with_local_timeline_footage,
)
from tasks.storage import step_storage

SEGMENT_TAG = "compose-segment"
"""Not `compose`: a `compose` concurrency limit of 1 (one whole render at a time) must not serialise segments."""
_slots = threading.BoundedSemaphore(get_settings().compose_workers)


def process_name() -> str:
    """`host-pid`, as Prefect names a task worker: which machine and process rendered a part."""
    return f"{socket.gethostname()}-{os.getpid()}"


def parts_dir() -> Path:
    return get_settings().work_dir / "parts"


def render_dir(timeline: Timeline) -> Path:
    """The render folder of this timeline (the same one compose_video uses)."""
    return get_settings().work_dir / "renders" / render_key(timeline)


def stored_render(timeline: Timeline) -> str:
    """The render's folder in the bucket; apart from compose_video's, whose video has other bytes."""
    return f"renders/{render_key(timeline)}-segments"


@task(**compose_step("plan_segments"))
def plan_segments(timeline: Timeline) -> SegmentedPlan:
    """Check every input file, then cut the render plan into one segment per scene."""
    settings = get_settings()
    store = build_store(settings)
    if store.remote:
        check_stored_inputs(timeline, store)
    else:
        check_inputs(timeline)
    composer = build_composer(settings)
    return segmented.SegmentedComposer(composer, parts_dir=parts_dir(), workers=settings.compose_workers).plan(timeline)


@task(
    **compose_step(
        "render_segment",
        task_run_name="render-segment-{job.index}",
        tags=[SEGMENT_TAG],
        **resumable(key=SegmentContent() + TASK_SOURCE),
    )
)
def render_segment(job: SegmentJob) -> StoredSegment:
    """One segment's picture (an ffmpeg of its own), unless a segment with its content key is stored already."""
    settings, key = get_settings(), segment_key(job)
    name = f"parts/segment-{key}.mp4"
    with step_storage(settings) as files:
        if (ref := files.already_stored(name)) is None:
            get_run_logger().info("segment %d: rendering %d frames in %s", job.index, job.frames, process_name())
            local, folder = with_local_footage(job, files), files.work(parts_dir())  # fetched outside the slot
            with _slots:
                done = segment_service.render_segment(local, folder, timeout_s=settings.ffmpeg_timeout_s)
            ref = files.shared(done.path, lambda _path: name)
        else:
            get_run_logger().info("segment %d: %s is stored already", job.index, name)
    return StoredSegment(index=job.index, key=key, ref=ref, frames=job.frames, fps=job.fps)


@task(**compose_step("render_sound", tags=[SEGMENT_TAG]))
def render_sound(timeline: Timeline) -> ArtifactRef:
    """The whole video's sound track, unless a track with its content key is stored already."""
    settings = get_settings()
    music_dir = settings.cache_dir / "music"
    with step_storage(settings) as files:
        local = with_local_narration(timeline, files)
        music = resolve_music(local.music, mood=local.mood, cache_dir=music_dir, seed=local.title)
        name = f"parts/sound-{segmented.sound_key(local, music)}.m4a"
        if (ref := files.already_stored(name)) is not None:
            get_run_logger().info("sound track: %s is stored already", name)
            return ref
        get_run_logger().info("sound track: rendering in %s", process_name())
        with _slots:
            track = segmented.render_sound(
                local, files.work(parts_dir()), music_cache_dir=music_dir, timeout_s=settings.ffmpeg_timeout_s
            )
        return files.shared(track, lambda _path: name)


@task(**compose_step("write_extras"))
def write_extras(timeline: Timeline) -> StoredExtras:
    """Thumbnail, contact sheet and caption files into the render folder."""
    settings = get_settings()
    with step_storage(settings) as files:
        out_dir = files.work(render_dir(timeline))
        local = with_local_timeline_footage(timeline, files)
        extras = segmented.write_extras(local, out_dir, timeout_s=settings.ffmpeg_timeout_s)
        return files.shared(StoredExtras.model_validate(extras.model_dump()), in_folder(stored_render(timeline)))


@task(**compose_step("join_segments", **resumable()))
def join_segments(
    timeline: Timeline, segments: list[StoredSegment], sound: ArtifactRef, extras: StoredExtras
) -> RenderedVideo:
    """The segments and the sound joined by stream copy into the render folder's video.mp4."""
    settings = get_settings()
    with step_storage(settings) as files:
        video = segmented.join_video(
            [segment.local(files) for segment in segments],
            Path(files.local(sound)),
            extras.local(files),
            files.work(render_dir(timeline)),
            timeout_s=settings.ffmpeg_timeout_s,
        )
        return files.shared(video, in_folder(stored_render(timeline)))
