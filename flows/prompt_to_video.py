"""The main flow: prompt -> storyboard -> media search per scene -> timeline -> video -> publication."""

from urllib.parse import urlparse
from urllib.request import url2pathname

from prefect import flow, tags
from prefect.futures import PrefectFutureList
from prefect.runtime import flow_run
from pydantic.json_schema import SkipJsonSchema

from flows.artifacts import fallback_artifact, media_artifact, storyboard_artifact, video_artifact
from flows.compose import compose
from flows.hooks import notify_failure
from flows.images import draw_scenes
from prompt_store.labels import parse_split
from services.media.depositphotos import ensure_publishable, publishable_candidates
from services.media.openai_images import image_mode
from services.models import (
    Aspect,
    CaptionStyle,
    LanguageTag,
    MediaAsset,
    MusicChoice,
    OutputFolder,
    PromptText,
    Publication,
    PublishTarget,
    SceneCount,
    Storyboard,
    TargetDuration,
    VideoRequest,
    VoiceChoice,
)
from services.narration import for_voice
from services.publish.local import slugify
from services.settings import get_settings
from tasks.limits import media_tags, planner_tags, voice_tags, with_tags
from tasks.media import search_media
from tasks.merge import merge_media
from tasks.narration import narrate_scene
from tasks.prompts import embed_request, load_system_prompt, record_lineage, record_request
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
    on_failure=[notify_failure],
    on_crashed=[notify_failure],
)
def prompt_to_video(
    prompt: PromptText,
    aspect: Aspect | None = None,
    scenes: SceneCount = None,
    duration_s: TargetDuration = None,
    language: LanguageTag = None,
    publish_target: PublishTarget = "local",
    output_dir: OutputFolder = None,
    user_prompt_id: SkipJsonSchema[int | None] = None,
    captions: CaptionStyle | None = None,
    music: MusicChoice = None,
    voice: VoiceChoice | None = None,
    fresh: bool = False,
    prompt_label: str = "production",
) -> Publication:
    """Make a video from one prompt and publish it.

    Aspect, length and scene count left empty are read from the prompt ("9:16 for Shorts", "a 60-second ...").
    The same prompt again reuses the finished steps; `fresh` plans, searches and narrates anew.
    `user_prompt_id` is for callers (the batch's queued prompts), so the UI form leaves it out.

    Args:
        prompt: What the video is about, in any language; it may ask for a frame or a length.
        aspect: Frame: 16:9, 9:16 (Shorts) or 1:1. Empty: as the prompt asks, else 16:9.
        scenes: Number of scenes. Empty: from the prompt or the length.
        duration_s: Target length in seconds. Empty: from the prompt, else about 30 s.
        language: Language code of the narration (en, de, ru, ...). Empty: detected from the prompt.
        publish_target: local (a folder on the worker) or youtube (after `p2v youtube auth`).
        captions: subtitle or shorts. Empty: shorts for 9:16, subtitle otherwise.
        music: none, a mood (calm, upbeat, dramatic, playful) or an audio file. Empty: by the storyboard's mood.
        voice: Narration voice: auto, openai (needs a key), espeak or silent. Empty: the server's P2V_VOICE.
        output_dir: A folder inside P2V_OUTPUT_DIR to publish into. Empty: P2V_OUTPUT_DIR itself.
        fresh: Make a new video even if this prompt was made before (plan, search and narrate anew).
        prompt_label: The system prompt's label, or an A/B split such as "production:80,staging:20".
    """
    parse_split(prompt_label)  # a bad label fails the run before any work
    image_mode(get_settings())  # so does P2V_IMAGE_GENERATION=always without a key
    for_voice(get_settings(), voice)  # and the openai voice without a key
    request = VideoRequest(
        prompt=prompt,
        aspect=aspect,
        scenes=scenes,
        duration_s=duration_s,
        language=language,
        publish_target=publish_target,
        captions=captions,
        music=music,
        voice=voice,
    )
    refresh = {"refresh_cache": True} if fresh else {}
    user_prompt_id = record_request(request, user_prompt_id)
    embedding = embed_request.submit(user_prompt_id)  # beside the steps: the storyboard does not need it
    system_prompt = load_system_prompt(
        label=prompt_label, user_prompt_id=user_prompt_id, context=request.model_dump(mode="json")
    )
    storyboard = with_tags(generate_storyboard, planner_tags(), **refresh)(request, system_prompt)
    storyboard_artifact(storyboard)
    searches = with_tags(search_media, media_tags(), **refresh).map(storyboard.scenes, aspect=storyboard.aspect)
    narrations = with_tags(narrate_scene, voice_tags(storyboard.language, voice), **refresh).map(
        storyboard.scenes, language=storyboard.language, voice=voice
    )
    candidates, fallbacks = _gather(storyboard, searches)
    candidates = publishable_candidates(candidates, request.publish_target)
    candidates, fallbacks = draw_scenes(storyboard, candidates, fallbacks)  # docs/images.md
    fallback_artifact(fallbacks)
    spoken = narrations.result()  # a failed narration fails the run here with its own error, not in merge_media
    timeline = merge_media.with_options(**refresh)(
        storyboard, candidates, spoken, captions=request.captions, music=request.music
    )
    ensure_publishable(timeline, request.publish_target)  # unlicensed previews: local drafts only
    media_artifact(timeline)
    video = compose(timeline)
    with tags(request.publish_target):  # so a concurrency limit on "youtube" throttles YouTube uploads only
        publication = publish_video(video, timeline, target=request.publish_target, output_dir=output_dir)
    video_artifact(video, publication, asked_s=timeline.target_duration_s)
    embedding.wait()  # its failure is its own task run's; the video is made either way
    record_lineage(user_prompt_id, publication, [system_prompt])
    print(f"video at {video_location(publication.url)}")  # so `prefect deployment run --watch` shows where it is
    return publication


def video_location(url: str) -> str:
    """A file path for a local publication (on the worker's disk), else the URL."""
    return url2pathname(urlparse(url).path) if url.startswith("file:") else url


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
