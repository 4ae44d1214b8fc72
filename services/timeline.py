"""Merging per-scene search results into one timeline: the best distinct asset per scene, gaps filled."""

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from services.exceptions import P2VError
from services.media.generated import GeneratedVisuals
from services.models import (
    FPS,
    FRAME_SIZES,
    CaptionStyle,
    MediaAsset,
    NarrationAudio,
    Scene,
    Storyboard,
    Timeline,
    TimelineClip,
)
from services.settings import Settings

NARRATION_PADDING_S = 0.6
FETCH_WORKERS = 4
Fetch = Callable[[MediaAsset], MediaAsset]
logger = logging.getLogger(__name__)


def choose_assets(candidates: list[list[MediaAsset]]) -> dict[int, MediaAsset]:
    """Assign each scene its best candidate, never giving one asset to two scenes.

    Greedy over all (scene, candidate) pairs by descending score, so a strong match is not taken away from the
    scene it fits best by an earlier scene that fits it only weakly.
    """
    pairs = [asset for scene_candidates in candidates for asset in scene_candidates]
    pairs.sort(key=lambda a: (-a.score, a.scene_index, a.asset_id))
    chosen: dict[int, MediaAsset] = {}
    used: set[tuple[str, str]] = set()
    for asset in pairs:
        key = (asset.provider, asset.asset_id)
        if asset.scene_index in chosen or key in used:
            continue
        chosen[asset.scene_index] = asset
        used.add(key)
    return chosen


def build_timeline(
    storyboard: Storyboard,
    candidates: list[list[MediaAsset]],
    *,
    visuals: GeneratedVisuals,
    transition_s: float,
    narrations: list[NarrationAudio | None] | None = None,
    fetch: Fetch | None = None,
) -> Timeline:
    """The storyboard's scenes in order, each with a distinct asset; scenes without one get a generated card.

    A scene with narration audio lasts at least as long as its narration (plus a breath and the transition).
    `fetch` downloads remote assets (see fetch_chosen).
    """
    width, height = FRAME_SIZES[storyboard.aspect]
    chosen = choose_assets(candidates) if fetch is None else fetch_chosen(candidates, fetch)
    spoken = {n.scene_index: n for n in narrations or [] if n is not None}
    shortest = min(scene.duration_s for scene in storyboard.scenes)
    transition = min(transition_s, shortest / 2) if len(storyboard.scenes) > 1 else 0.0
    clips, start = [], 0.0
    for original in storyboard.scenes:
        scene = _fit_to_narration(original, spoken.get(original.index), transition)
        asset = chosen.get(scene.index) or visuals.generate(scene, width=width, height=height, seed=storyboard.title)
        clips.append(TimelineClip(scene=scene, asset=asset, start_s=round(start, 3), narration=spoken.get(scene.index)))
        start += scene.duration_s - transition
    return Timeline(
        title=storyboard.title,
        description=storyboard.description,
        language=storyboard.language,
        width=width,
        height=height,
        fps=FPS,
        transition_s=transition,
        clips=clips,
        mood=storyboard.mood,
        target_duration_s=storyboard.target_duration_s,
    )


def with_render_choices(
    timeline: Timeline, settings: Settings, *, captions: CaptionStyle | None, music: str | None
) -> Timeline:
    """The caption style and music of the run: the request's, else the settings', else by frame and mood."""
    style = captions or (None if settings.captions == "auto" else settings.captions)
    if style is None:
        style = "shorts" if timeline.height > timeline.width else "subtitle"
    if music is None and settings.music != "auto":
        music = settings.music
    if music is None and settings.music_path is not None:
        music = str(settings.music_path)
    return timeline.model_copy(update={"caption_style": style, "music": music})


def fetch_chosen(candidates: list[list[MediaAsset]], fetch: Fetch) -> dict[int, MediaAsset]:
    """choose_assets, then download the chosen ones in parallel; one that fails is dropped and the choice redone."""
    pool = [list(scene_candidates) for scene_candidates in candidates]
    ready: dict[tuple[int, str, str], MediaAsset] = {}
    while True:
        chosen = choose_assets(pool)
        todo = [a for a in chosen.values() if (a.scene_index, a.provider, a.asset_id) not in ready]
        if not todo:
            return {i: ready[(a.scene_index, a.provider, a.asset_id)] for i, a in chosen.items()}
        with ThreadPoolExecutor(FETCH_WORKERS) as workers:
            results = list(workers.map(lambda asset: _try(fetch, asset), todo))
        for asset, result in zip(todo, results, strict=True):
            if isinstance(result, MediaAsset):
                ready[(asset.scene_index, asset.provider, asset.asset_id)] = result
                continue
            logger.warning("scene %d: dropping %s %s: %s", asset.scene_index, asset.provider, asset.asset_id, result)
            for scene_candidates in pool:
                scene_candidates[:] = [
                    c for c in scene_candidates if (c.provider, c.asset_id) != (asset.provider, asset.asset_id)
                ]


def _try(fetch: Fetch, asset: MediaAsset) -> MediaAsset | P2VError:
    try:
        return fetch(asset)
    except P2VError as exc:
        return exc


def _fit_to_narration(scene: Scene, narration: NarrationAudio | None, transition_s: float) -> Scene:
    if narration is None:
        return scene
    needed = round(narration.duration_s + NARRATION_PADDING_S + transition_s, 3)
    return scene.model_copy(update={"duration_s": max(scene.duration_s, needed)})
