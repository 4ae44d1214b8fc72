"""Merging per-scene search results into one timeline: the best distinct asset per scene, gaps filled."""

from services.media.generated import GeneratedVisuals
from services.models import FPS, FRAME_SIZES, MediaAsset, NarrationAudio, Scene, Storyboard, Timeline, TimelineClip

NARRATION_PADDING_S = 0.6


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
) -> Timeline:
    """The storyboard's scenes in order, each with a distinct asset; scenes without one get a generated card.

    A scene with narration audio lasts at least as long as its narration (plus a breath and the transition).
    """
    width, height = FRAME_SIZES[storyboard.aspect]
    chosen = choose_assets(candidates)
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
    )


def _fit_to_narration(scene: Scene, narration: NarrationAudio | None, transition_s: float) -> Scene:
    if narration is None:
        return scene
    needed = round(narration.duration_s + NARRATION_PADDING_S + transition_s, 3)
    return scene.model_copy(update={"duration_s": max(scene.duration_s, needed)})
