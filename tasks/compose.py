import hashlib

from prefect import task

from services.compose import build_composer
from services.models import RenderedVideo, Timeline
from services.settings import get_settings
from tasks.progress import ProgressArtifact
from tasks.resume import resumable


@task(name="compose_video", retries=1, retry_delay_seconds=5, tags=["compose"], **resumable())
def compose_video(timeline: Timeline) -> RenderedVideo:
    """Render the timeline to MP4 (ffmpeg, with a subprocess timeout) plus thumbnail and captions."""
    settings = get_settings()
    key = hashlib.sha256(timeline.model_dump_json().encode()).hexdigest()[:16]
    progress = ProgressArtifact("compose-progress", f"Rendering {timeline.title!r} ({timeline.duration_s:.0f} s)")
    return build_composer(settings).render(timeline, settings.work_dir / "renders" / key, on_progress=progress)
