from pathlib import Path

from prefect import task

from services.models import Publication, PublishTarget, RenderedVideo, Timeline
from services.publish import build_publisher
from services.settings import get_settings
from tasks.resume import retry_unless_permanent


@task(name="publish_video", retries=2, retry_delay_seconds=[5, 30], retry_condition_fn=retry_unless_permanent)
def publish_video(
    video: RenderedVideo, timeline: Timeline, target: PublishTarget = "local", output_dir: Path | None = None
) -> Publication:
    """Publish the rendered video to its target (local folder by default)."""
    return build_publisher(target, get_settings(), output_dir=output_dir).publish(video, timeline)
