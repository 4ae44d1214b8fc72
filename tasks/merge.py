from prefect import task

from services.media import GeneratedVisuals
from services.models import MediaAsset, Storyboard, Timeline
from services.settings import get_settings
from services.timeline import build_timeline
from tasks.resume import resumable


@task(name="merge_media", retries=1, **resumable())
def merge_media(storyboard: Storyboard, candidates: list[list[MediaAsset]]) -> Timeline:
    """Pick one distinct asset per scene, generate visuals for the gaps, lay out the timeline."""
    settings = get_settings()
    visuals = GeneratedVisuals(settings.cache_dir, timeout_s=settings.ffmpeg_timeout_s)
    return build_timeline(storyboard, candidates, visuals=visuals, transition_s=settings.transition_s)
