"""The main flow: prompt -> storyboard -> media search per scene -> timeline -> video -> publication."""

from pathlib import Path

from prefect import flow, tags
from prefect.futures import PrefectFutureList
from prefect.runtime import flow_run

from flows.artifacts import fallback_artifact, media_artifact, storyboard_artifact, video_artifact
from flows.compose import compose
from prompt_store.labels import parse_split
from services.models import (
    Aspect,
    CaptionStyle,
    LanguageTag,
    MediaAsset,
    MusicChoice,
    PromptText,
    Publication,
    PublishTarget,
    SceneCount,
    Storyboard,
    TargetDuration,
    VideoRequest,
)
from services.publish.local import slugify
from tasks.limits import media_tags, planner_tags, voice_tags
from tasks.media import search_media
from tasks.merge import merge_media
from tasks.narration import narrate_scene
from tasks.prompts import load_system_prompt, record_lineage, record_request
from tasks.publish import publish_video
from tasks.resume import result_storage
from tasks.storyboard import generate_storyboard


def _run_name() -> str:
    prompt = str(flow_run.parameters.get("prompt", ""))
    return f"video-{slugify(prompt, max_len=48)}"


@flow(
    name="prompt-to-video",
    flow_run_name=_run_name,
    log_prints=True,
    persist_result=True,
    result_storage=result_storage(),
)
def prompt_to_video(
    prompt: PromptText,
    aspect: Aspect | None = None,
    scenes: SceneCount = None,
    duration_s: TargetDuration = None,
    language: LanguageTag = None,
    publish_target: PublishTarget = "local",
    output_dir: Path | None = None,
    user_prompt_id: int | None = None,
    captions: CaptionStyle | None = None,
    music: MusicChoice = None,
    prompt_label: str = "production",
) -> Publication:
    """Make a video from one prompt and publish it.

    Aspect, length and scene count left empty are read from the prompt ("9:16 for Shorts", "a 60-second ...").
    `prompt_label` picks the system prompt's version: a label, or an A/B split such as "production:80,staging:20".
    """
    parse_split(prompt_label)  # a bad label fails the run before any work
    request = VideoRequest(
        prompt=prompt,
        aspect=aspect,
        scenes=scenes,
        duration_s=duration_s,
        language=language,
        publish_target=publish_target,
        captions=captions,
        music=music,
    )
    user_prompt_id = record_request(request, user_prompt_id)
    system_prompt = load_system_prompt(
        label=prompt_label, user_prompt_id=user_prompt_id, context=request.model_dump(mode="json")
    )
    storyboard = generate_storyboard.with_options(tags=planner_tags())(request, system_prompt)
    storyboard_artifact(storyboard)
    searches = search_media.with_options(tags=media_tags()).map(storyboard.scenes, aspect=storyboard.aspect)
    narrations = narrate_scene.with_options(tags=voice_tags(storyboard.language)).map(
        storyboard.scenes, language=storyboard.language
    )
    candidates, fallbacks = _gather(storyboard, searches)
    fallback_artifact(fallbacks)
    spoken = narrations.result()  # a failed narration fails the run here with its own error, not in merge_media
    timeline = merge_media(storyboard, candidates, spoken, captions=request.captions, music=request.music)
    media_artifact(timeline)
    video = compose(timeline)
    with tags(request.publish_target):  # so a concurrency limit on "youtube" throttles YouTube uploads only
        publication = publish_video(video, timeline, target=request.publish_target, output_dir=output_dir)
    video_artifact(video, publication, asked_s=timeline.target_duration_s)
    record_lineage(user_prompt_id, publication, [system_prompt])
    return publication


def _gather(
    storyboard: Storyboard, searches: PrefectFutureList
) -> tuple[list[list[MediaAsset]], list[tuple[int, str]]]:
    """Each scene's candidates; a failed or empty search becomes [] (a generated visual) plus a reason."""
    candidates: list[list[MediaAsset]] = []
    fallbacks: list[tuple[int, str]] = []
    for scene, future in zip(storyboard.scenes, searches, strict=True):
        outcome = future.result(raise_on_failure=False)
        found = outcome if isinstance(outcome, list) else []
        candidates.append(found)
        if isinstance(outcome, BaseException):
            fallbacks.append((scene.index, str(outcome)))
        elif not found:
            fallbacks.append((scene.index, "no candidate fits the scene"))
    return candidates, fallbacks
