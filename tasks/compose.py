import hashlib
import time
from typing import Any

from prefect import task
from prefect.logging import get_run_logger

from services.compose import build_composer
from services.models import RenderedVideo, Timeline
from services.settings import get_settings
from services.storage import in_folder
from tasks.progress import ProgressArtifact
from tasks.resume import resumable, step_timeout
from tasks.storage import step_storage


def compose_step(name: str, **options: Any) -> dict[str, Any]:
    """`@task` options of every compose step, the one-graph render and each step of the segmented one: one retry
    after 5 s, the step timeout, the `compose` tag; `options` add to them or replace them."""
    shared = {"name": name, "retries": 1, "retry_delay_seconds": 5, "tags": ["compose"]}
    return shared | {"timeout_seconds": step_timeout()} | options


@task(**compose_step("compose_video", **resumable()))
def compose_video(timeline: Timeline) -> RenderedVideo:
    """Render the timeline to MP4 (ffmpeg, with a subprocess timeout) plus thumbnail and captions."""
    settings = get_settings()
    key = render_key(timeline)
    progress = ProgressArtifact("compose-progress", f"Rendering {timeline.title!r} ({timeline.duration_s:.0f} s)")
    started = time.monotonic()
    with step_storage(settings) as files:
        out_dir = files.work(settings.work_dir / "renders") / key
        video = build_composer(settings).render(files.local(timeline), out_dir, on_progress=progress)
        video = files.shared(video, in_folder(f"renders/{key}"))
    get_run_logger().info(
        "rendered %dx%d, %.1f s of video in %.1f s (preset %s)",
        video.width,
        video.height,
        video.duration_s,
        time.monotonic() - started,
        settings.x264_preset,
    )
    return video


def render_key(timeline: Timeline) -> str:
    """The render folder's name: a hash of the timeline (its refs included: locations of content-named files)."""
    return hashlib.sha256(timeline.model_dump_json().encode()).hexdigest()[:16]
