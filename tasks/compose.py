import hashlib
import time

from prefect import task
from prefect.logging import get_run_logger

from services.compose import build_composer
from services.models import RenderedVideo, Timeline
from services.settings import get_settings
from tasks.progress import ProgressArtifact
from tasks.resume import resumable, step_timeout


@task(
    name="compose_video",
    retries=1,
    retry_delay_seconds=5,
    tags=["compose"],
    timeout_seconds=step_timeout(),
    **resumable(),
)
def compose_video(timeline: Timeline) -> RenderedVideo:
    """Render the timeline to MP4 (ffmpeg, with a subprocess timeout) plus thumbnail and captions."""
    settings = get_settings()
    key = hashlib.sha256(timeline.model_dump_json().encode()).hexdigest()[:16]
    progress = ProgressArtifact("compose-progress", f"Rendering {timeline.title!r} ({timeline.duration_s:.0f} s)")
    started = time.monotonic()
    video = build_composer(settings).render(timeline, settings.work_dir / "renders" / key, on_progress=progress)
    get_run_logger().info(
        "rendered %dx%d, %.1f s of video in %.1f s (preset %s)",
        video.width,
        video.height,
        video.duration_s,
        time.monotonic() - started,
        settings.x264_preset,
    )
    return video
