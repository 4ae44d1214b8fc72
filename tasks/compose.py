import hashlib

from prefect import task

from services.compose import build_composer
from services.models import RenderedVideo, Timeline
from services.settings import get_settings


@task(name="compose_video", retries=1, retry_delay_seconds=5)
def compose_video(timeline: Timeline) -> RenderedVideo:
    """Render the timeline to MP4 (ffmpeg, with a subprocess timeout) plus thumbnail and captions."""
    settings = get_settings()
    key = hashlib.sha256(timeline.model_dump_json().encode()).hexdigest()[:16]
    return build_composer(settings).render(timeline, settings.work_dir / "renders" / key)
