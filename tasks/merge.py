from collections import Counter

from prefect import task
from prefect.logging import get_run_logger

from services.media import GeneratedVisuals, build_cache
from services.media.ranking import checked_fetch
from services.models import CaptionStyle, MediaAsset, NarrationAudio, Storyboard, Timeline
from services.settings import get_settings
from services.storage import by_content
from services.timeline import build_timeline, with_render_choices
from tasks.resume import resumable, step_timeout
from tasks.storage import step_storage


@task(name="merge_media", retries=1, timeout_seconds=step_timeout(), **resumable())
def merge_media(
    storyboard: Storyboard,
    candidates: list[list[MediaAsset]],
    narrations: list[NarrationAudio | None] | None = None,
    captions: CaptionStyle | None = None,
    music: str | None = None,
) -> Timeline:
    """Pick and download one distinct asset per scene, generate visuals for the gaps, fit scenes to narration."""
    settings = get_settings()
    visuals = GeneratedVisuals(settings.cache_dir, timeout_s=settings.ffmpeg_timeout_s)
    timeline = build_timeline(
        storyboard,
        candidates,
        visuals=visuals,
        transition_s=settings.transition_s,
        narrations=narrations,
        fetch=checked_fetch(build_cache(settings).fetch, storyboard),
    )
    timeline = with_render_choices(timeline, settings, captions=captions, music=music)
    with step_storage(settings) as files:
        timeline = files.shared(timeline, by_content("media"))  # the narrations are in the store already
    providers = Counter(c.asset.provider for c in timeline.clips)
    get_run_logger().info(
        "timeline: %d clips (%s), %.1f s, captions %s, music %s",
        len(timeline.clips),
        ", ".join(f"{n} {name}" for name, n in providers.most_common()),
        timeline.duration_s,
        timeline.caption_style,
        timeline.music or timeline.mood,
    )
    return timeline
