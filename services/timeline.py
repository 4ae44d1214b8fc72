"""Merging per-scene search results into one timeline: the best distinct footage per scene, gaps filled.

Footage is assigned globally (the total score over all scenes is maximised, no asset twice), scenes longer than a
shot get further footage cut in, and every narrated scene lasts exactly as long as its speech needs.
"""

import logging
import math
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from services.exceptions import MediaError, P2VError
from services.media.generated import GeneratedVisuals
from services.media.ranking import MAX_UPSCALE, upscale_factor
from services.models import (
    FPS,
    FRAME_SIZES,
    NARRATION_PADDING_S,
    CaptionStyle,
    MediaAsset,
    NarrationAudio,
    Scene,
    Storyboard,
    Timeline,
    TimelineClip,
)
from services.settings import Settings

UPSCALED_SCORE = 0.5
"""Such footage counts (and is reported) with its score multiplied by this."""
SHOT_S, MAX_SHOT_S = 4.5, 6.0
"""Peers cut every 3-6 s: a scene gets about one shot per 4.5 s, none longer than 6 s when footage allows."""
OPENING_WEIGHT = 1.1
"""The opening scene's scores count a little more in the assignment: near-ties go to the first seconds."""
DURATION_TOLERANCE = 0.10
FETCH_WORKERS = 4
_FITS, _UPSCALED = 2.0, 1.0
_FORBIDDEN = -1e9
Fetch = Callable[[MediaAsset], MediaAsset]
Key = tuple[str, str]
logger = logging.getLogger(__name__)


def choose_assets(candidates: list[list[MediaAsset]], *, frame: tuple[int, int] | None = None) -> dict[int, MediaAsset]:
    """Each scene's footage, maximising the total score over all scenes; one asset never goes to two scenes.

    A scene whose only candidates are taken gets nothing (a card). With `frame`, footage needing more than
    MAX_UPSCALE is chosen only where no fitting candidate is left; it is then logged and its score lowered.
    The first scene's scores weigh OPENING_WEIGHT times more, so near-ties favour the opening.
    """
    scenes = [c for c in candidates if c]
    if not scenes:
        return {}
    keys = sorted({_key(a) for c in scenes for a in c})
    column = {key: i for i, key in enumerate(keys)}
    weights = np.full((len(scenes), len(keys) + len(scenes)), _FORBIDDEN)
    for row, scene_candidates in enumerate(scenes):
        weights[row, len(keys) + row] = 0.0  # this scene's own "no asset" column
        for asset in scene_candidates:
            weights[row, column[_key(asset)]] = max(weights[row, column[_key(asset)]], _weight(asset, frame))
    rows, columns = linear_sum_assignment(weights, maximize=True)
    chosen: dict[int, MediaAsset] = {}
    for row, col in zip(rows, columns, strict=True):
        if col < len(keys):
            asset = max((a for a in scenes[row] if _key(a) == keys[col]), key=lambda a: a.score)
            chosen[asset.scene_index] = _flag_upscale(asset, frame) if frame else asset
    return chosen


def _weight(asset: MediaAsset, frame: tuple[int, int] | None) -> float:
    """Any footage beats a card (0), footage that fits beats upscaled footage, then the score decides."""
    upscaled = frame is not None and upscale_factor(asset, frame) > MAX_UPSCALE
    score = asset.score * (UPSCALED_SCORE if upscaled else 1.0) * (OPENING_WEIGHT if asset.scene_index == 0 else 1.0)
    return (_UPSCALED if upscaled else _FITS) + score


def shots_for(duration_s: float) -> int:
    """How many shots a scene of this length shows: one per ~SHOT_S, each at most MAX_SHOT_S."""
    return max(1, round(duration_s / SHOT_S), math.ceil(duration_s / MAX_SHOT_S))


def choose_extras(
    scenes: list[Scene], candidates: list[list[MediaAsset]], used: set[Key], *, frame: tuple[int, int]
) -> dict[int, list[MediaAsset]]:
    """More footage for scenes longer than a shot: each scene's best remaining fitting candidates, none reused."""
    by_scene = {c[0].scene_index: c for c in candidates if c}
    taken = set(used)
    extras: dict[int, list[MediaAsset]] = {}
    for scene in scenes:
        wanted = shots_for(scene.duration_s) - 1
        pool = sorted(by_scene.get(scene.index, []), key=lambda a: (-a.score, a.provider, a.asset_id))
        picked: list[MediaAsset] = []
        for asset in pool:
            if len(picked) == wanted:
                break
            if _key(asset) not in taken and upscale_factor(asset, frame) <= MAX_UPSCALE:
                picked.append(asset)
                taken.add(_key(asset))
        if picked:
            extras[scene.index] = picked
    return extras


def build_timeline(
    storyboard: Storyboard,
    candidates: list[list[MediaAsset]],
    *,
    visuals: GeneratedVisuals,
    transition_s: float,
    narrations: list[NarrationAudio | None] | None = None,
    fetch: Fetch | None = None,
) -> Timeline:
    """The storyboard's scenes in order, each with distinct footage; scenes without any get a generated card.

    A scene with narration audio lasts exactly as long as its speech needs (see _fit_to_narration); scenes
    longer than a shot get `extra_assets`. `fetch` downloads remote assets (see fetch_chosen).
    """
    width, height = FRAME_SIZES[storyboard.aspect]
    frame = (width, height)
    pool = [list(c) for c in candidates]
    chosen = choose_assets(pool, frame=frame) if fetch is None else fetch_chosen(pool, fetch, frame=frame)
    spoken = {n.scene_index: n for n in narrations or [] if n is not None}
    shortest = min(scene.duration_s for scene in storyboard.scenes)
    transition = whole_frames(min(transition_s, shortest / 2)) if len(storyboard.scenes) > 1 else 0.0
    first = storyboard.scenes[0].index
    scenes = [
        _in_whole_frames(_fit_to_narration(s, spoken.get(s.index), transition, opening=s.index == first))
        for s in storyboard.scenes
    ]
    extras = _extras(scenes, pool, chosen, fetch, frame=frame)
    clips, start = [], 0.0
    shown: list[str] = []
    for scene in scenes:
        asset = chosen.get(scene.index)
        if asset is None:
            shown.append(visuals.card_text(scene, seed=storyboard.title, shown=shown))
            asset = visuals.generate(scene, width=width, height=height, seed=storyboard.title, phrase=shown[-1])
        clip = TimelineClip(
            scene=scene,
            asset=asset,
            start_s=round(start, 3),
            narration=spoken.get(scene.index),
            extra_assets=extras.get(scene.index, []),
        )
        clips.append(clip)
        start += scene.duration_s - transition
    timeline = Timeline(
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
    _report_length(timeline)
    return timeline


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


def fetch_chosen(
    candidates: list[list[MediaAsset]], fetch: Fetch, *, frame: tuple[int, int] | None = None
) -> dict[int, MediaAsset]:
    """choose_assets, then download the chosen ones in parallel; one that fails is dropped and the choice redone.

    Failed downloads are also removed from `candidates` (the caller's lists), so extras never retry them.
    """
    ready: dict[tuple[int, str, str], MediaAsset] = {}
    while True:
        chosen = choose_assets(candidates, frame=frame)
        todo = [a for a in chosen.values() if (a.scene_index, *_key(a)) not in ready]
        if not todo:
            return {i: ready[(a.scene_index, *_key(a))] for i, a in chosen.items()}
        for asset, result in zip(todo, _fetch_all(fetch, todo), strict=True):
            result = _unless_duplicate(result, ready.values())
            if isinstance(result, MediaAsset):
                ready[(asset.scene_index, *_key(asset))] = result
            else:
                _drop(candidates, asset, result)


def _extras(
    scenes: list[Scene],
    candidates: list[list[MediaAsset]],
    chosen: dict[int, MediaAsset],
    fetch: Fetch | None,
    *,
    frame: tuple[int, int],
) -> dict[int, list[MediaAsset]]:
    """choose_extras, downloaded through `fetch`; a failed download is dropped and the choice redone."""
    used = {_key(a) for a in chosen.values()}
    with_footage = [s for s in scenes if s.index in chosen]
    ready: dict[Key, MediaAsset] = {}
    while True:
        extras = choose_extras(with_footage, candidates, used, frame=frame)
        todo = [a for picked in extras.values() for a in picked if _key(a) not in ready]
        if fetch is None or not todo:
            return {i: [ready.get(_key(a), a) for a in picked] for i, picked in extras.items()}
        for asset, result in zip(todo, _fetch_all(fetch, todo), strict=True):
            result = _unless_duplicate(result, [*chosen.values(), *ready.values()])
            if isinstance(result, MediaAsset):
                ready[_key(asset)] = result
            else:
                _drop(candidates, asset, result)


def _unless_duplicate(result: MediaAsset | P2VError, kept: Iterable[MediaAsset]) -> MediaAsset | P2VError:
    """A download that is the same file as footage already kept (one clip offered by two stock sites lands on one
    cache entry) counts as failed: the video would show it twice."""
    if isinstance(result, MediaAsset) and any(k.local_path == result.local_path for k in kept):
        return MediaError(f"the same file as other footage already chosen ({result.source_url})")
    return result


def _fetch_all(fetch: Fetch, assets: list[MediaAsset]) -> list[MediaAsset | P2VError]:
    with ThreadPoolExecutor(FETCH_WORKERS) as workers:
        return list(workers.map(lambda asset: _try(fetch, asset), assets))


def _drop(candidates: list[list[MediaAsset]], asset: MediaAsset, error: P2VError) -> None:
    logger.warning("scene %d: dropping %s %s: %s", asset.scene_index, asset.provider, asset.asset_id, error)
    for scene_candidates in candidates:
        scene_candidates[:] = [c for c in scene_candidates if _key(c) != _key(asset)]


def _try(fetch: Fetch, asset: MediaAsset) -> MediaAsset | P2VError:
    try:
        return fetch(asset)
    except P2VError as exc:
        return exc


def _key(asset: MediaAsset) -> Key:
    return asset.provider, asset.asset_id


def _flag_upscale(asset: MediaAsset, frame: tuple[int, int]) -> MediaAsset:
    factor = upscale_factor(asset, frame)
    if factor <= MAX_UPSCALE:
        return asset
    logger.warning(
        "scene %d: %s %s (%dx%d) is scaled up %.1fx to cover %dx%d: nothing sharper fits the scene",
        asset.scene_index, asset.provider, asset.asset_id, asset.width, asset.height, factor, *frame,
    )  # fmt: skip
    return asset.model_copy(update={"score": round(asset.score * UPSCALED_SCORE, 4)})


def whole_frames(seconds: float) -> float:
    """`seconds` rounded to a whole number of frames (to the millisecond), so the timeline's clock and the rendered
    frames agree exactly: the video has as many frames as metadata.json's scene times say."""
    return round(round(seconds * FPS) / FPS, 3)


def _in_whole_frames(scene: Scene) -> Scene:
    return scene.model_copy(update={"duration_s": whole_frames(scene.duration_s)})


def _fit_to_narration(scene: Scene, narration: NarrationAudio | None, transition_s: float, *, opening: bool) -> Scene:
    """A narrated scene lasts its speech plus the padding and its crossfades: never the planner's longer guess,
    which would be dead air. The opening scene has no incoming crossfade, so only the outgoing half counts."""
    if narration is None:
        return scene
    crossfades = transition_s / 2 if opening else transition_s
    return scene.model_copy(update={"duration_s": round(narration.duration_s + NARRATION_PADDING_S + crossfades, 3)})


def _report_length(timeline: Timeline) -> None:
    asked, got = timeline.target_duration_s, timeline.duration_s
    if asked is None:
        logger.info("video length %.1f s", got)
        return
    log = logger.warning if abs(got - asked) > DURATION_TOLERANCE * asked else logger.info
    log("video length: asked %.1f s, got %.1f s", asked, got)
