"""The picture half of the filter graph: scenes at the output size, shots within scenes, transitions.

Speed comes from doing per-frame work only where it is unavoidable: a still is scaled once and its frame repeated,
and its motion is a per-frame `crop` (services/compose/kenburns.py). Video clips are resampled to constant frame
rate before scaling, so only output frames are scaled.

A scene shows its asset, then each of `clip.extra_assets`, its frames split evenly among them (hard cuts, each shot
with its own pan direction). A video clip shorter than its shot never loops back to its start (a visible jump):
it is slowed down by up to SLOW_LIMIT, and if still short its last frame is held to the end of the shot.
"""

from collections.abc import Mapping
from pathlib import Path

import ffmpeg

from services.compose.atlas import atlas_key
from services.compose.kenburns import Motion, Shot, Stream, cover, still_stream
from services.compose.plan import RenderPlan, ScenePlan
from services.models import MediaAsset

__all__ = [
    "MIXED_CYCLE",
    "TRANSITIONS",
    "Motion",
    "crossfade",
    "pan_shots",
    "scene_stream",
    "scene_tail",
    "shot_frames",
    "transition_for",
    "video_track",
]

Atlases = Mapping[str, Path]
"""Phase atlas files by atlas key (atlas.py)."""

TRANSITIONS = ("fade", "fadeblack", "dissolve", "wipeleft", "slideleft", "smoothleft", "circleopen", "radial")
MIXED_CYCLE = ("fade", "smoothleft", "circleopen", "fadeblack", "wipeleft", "radial")
SLOW_LIMIT = 1.5
"""The most a video clip shorter than its shot is slowed down before its last frame is held."""
MIN_SHOT_S = 1.0
"""Extra assets that would make a scene's shots shorter than this are left out."""
PLANE_WISE = frozenset({"fade", "wipeleft", "slideleft", "smoothleft", "circleopen", "radial"})
"""Transitions that treat every plane alike (a blend, or a shape scaled to the plane's size), so they can run on the
yuv420p planes one by one. xfade has no 4:2:0 formats: on whole frames each side is converted to yuv444p and back
(three conversions per frame, most of a transition's cost). Fades through black or a per-pixel dissolve pattern
would differ between the luma and the half-size chroma planes, so those keep the whole-frame path."""


def transition_for(style: str, index: int) -> str:
    """The xfade transition before scene `index` (1-based among transitions); "mixed" cycles a curated set."""
    if style == "mixed":
        return MIXED_CYCLE[(index - 1) % len(MIXED_CYCLE)]
    if style not in TRANSITIONS:
        raise ValueError(f"unknown transition {style!r}; choose one of {', '.join(TRANSITIONS)} or 'mixed'")
    return style


def video_track(plan: RenderPlan, *, motion: Motion, transition: str, atlases: Atlases | None = None) -> Stream:
    """All scenes joined by transitions at frame-exact offsets, at the output size, yuv420p, constant fps.

    Only the overlapping frames go through xfade: each scene is cut into head, body and tail, each transition
    blends one tail with the next head, and the pieces are concatenated. Chaining xfade over whole scenes costs
    a few milliseconds per frame per chained filter even outside the transition, which dominated the render.
    `atlases`: the stills' phase atlases already built (atlas.py) by key, read instead of built in the graph.
    """
    streams = [scene_stream(scene, plan, motion=motion, atlases=atlases) for scene in plan.scenes]
    if len(streams) == 1:
        return streams[0]
    if plan.transition_frames == 0:
        return ffmpeg.concat(*streams, v=1, a=0)
    overlap = plan.transition_frames
    parts: list[Stream] = []
    pending_tail: Stream | None = None
    for scene, stream in zip(plan.scenes, streams, strict=True):
        head, body, tail = _cut(stream, scene, overlap)
        if head is not None and pending_tail is not None:
            parts.append(crossfade(pending_tail, head, transition_for(transition, scene.index), overlap / plan.fps))
        if body is not None:
            parts.append(body)
        pending_tail = tail
    return ffmpeg.concat(*parts, v=1, a=0)


def crossfade(tail: Stream, head: Stream, transition: str, duration_s: float) -> Stream:
    """`tail` turning into `head` by the xfade `transition` over their `duration_s`, yuv420p.

    PLANE_WISE transitions run on each plane as gray (extractplanes, xfade, mergeplanes): no format conversion.
    """
    blend = {"transition": transition, "duration": f"{duration_s:.6f}", "offset": 0}
    if transition not in PLANE_WISE:
        # else concat negotiates xfade's yuv444p for every frame
        return ffmpeg.filter([tail, head], "xfade", **blend).filter("format", "yuv420p")
    tails, heads = (s.filter_multi_output("extractplanes", "y+u+v") for s in (tail, head))
    planes = [ffmpeg.filter([tails.stream(p), heads.stream(p)], "xfade", **blend) for p in range(3)]
    return ffmpeg.filter(planes, "mergeplanes", format="yuv420p", map1s=1, map2s=2)


def _cut(stream: Stream, scene: ScenePlan, overlap: int) -> tuple[Stream | None, Stream | None, Stream | None]:
    """The scene's first and last `overlap` frames (where transitions happen) and the frames between."""
    head_end = 0 if scene.is_first else overlap
    tail_start = scene.frames - (0 if scene.is_last else overlap)
    ranges = [(0, head_end), (head_end, tail_start), (tail_start, scene.frames)]
    wanted = [(a, b) for a, b in ranges if b > a]
    copies = stream.split() if len(wanted) > 1 else None
    pieces: list[Stream | None] = []
    taken = 0
    for a, b in ranges:
        if b <= a:
            pieces.append(None)
            continue
        source = copies[taken] if copies is not None else stream
        taken += 1
        pieces.append(source.filter("trim", start_frame=a, end_frame=b).filter("setpts", "PTS-STARTPTS"))
    return pieces[0], pieces[1], pieces[2]


def scene_stream(scene: ScenePlan, plan: RenderPlan, *, motion: Motion, atlases: Atlases | None = None) -> Stream:
    """One scene's frames: its shots cut together, each still moving, each video trimmed, slowed or held.

    `atlases`: phase atlases already built (atlas.py) by key, read instead of built again.
    """
    return scene_tail(scene, plan, motion=motion, frames=scene.frames, atlases=atlases)


def scene_tail(
    scene: ScenePlan, plan: RenderPlan, *, motion: Motion, frames: int, atlases: Atlases | None = None
) -> Stream:
    """The scene's last `frames` frames, as scene_stream draws them, without making the frames before them.

    A still's pan is evaluated from the tail's first frame on; shots that end before the tail are left out.
    """
    shots = [
        _shot_stream(asset, count, plan, motion=motion, variant=variant, first=first, atlases=atlases)
        for asset, count, variant, first in _shots(scene, plan, scene.frames - frames)
    ]
    if len(shots) == 1:
        return shots[0]
    joined = ffmpeg.concat(*shots, v=1, a=0)
    return joined.filter("settb", f"1/{plan.fps}").filter("setpts", "N")


def pan_shots(scene: ScenePlan, plan: RenderPlan, *, from_frame: int = 0) -> list[Shot]:
    """The scene's stills shown on or after its frame `from_frame`, as the smooth pan sees them."""
    return [
        _still(asset, count, plan, variant=variant)
        for asset, count, variant, _ in _shots(scene, plan, from_frame)
        if asset.kind != "video"
    ]


def _shots(scene: ScenePlan, plan: RenderPlan, from_frame: int) -> list[tuple[MediaAsset, int, int, int]]:
    """(asset, frames, variant, first) of each shot reaching past the scene's frame `from_frame`."""
    assets = [scene.clip.asset, *scene.clip.extra_assets]
    counts = shot_frames(scene.frames, len(assets), min_frames=round(MIN_SHOT_S * plan.fps))
    shot_start, shots = 0, []
    for i, (asset, count) in enumerate(zip(assets, counts, strict=False)):
        if shot_start + count > from_frame:
            shots.append((asset, count, scene.index + i, max(0, from_frame - shot_start)))
        shot_start += count
    return shots


def shot_frames(frames: int, shots: int, *, min_frames: int) -> list[int]:
    """Frames per shot: `frames` split evenly among at most `shots` shots of at least `min_frames` each."""
    count = max(1, min(shots, frames // max(1, min_frames)))
    bounds = [round(i * frames / count) for i in range(count + 1)]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


def _shot_stream(
    asset: MediaAsset,
    frames: int,
    plan: RenderPlan,
    *,
    motion: Motion,
    variant: int,
    first: int = 0,
    atlases: Atlases | None = None,
) -> Stream:
    """The shot's frames from `first` on (0: all of them)."""
    if asset.kind == "video":
        clip = _video_clip(str(asset.local_path), asset.duration_s, frames, plan)
        if not first:
            return clip
        return clip.filter("trim", start_frame=first).filter("setpts", "PTS-STARTPTS")
    shot = _still(asset, frames, plan, variant=variant)
    size = {"width": plan.width, "height": plan.height}
    atlas = atlases.get(atlas_key(shot, **size)) if atlases and motion == "pan" else None
    return still_stream(shot, **size, fps=plan.fps, motion=motion, first=first, atlas=atlas)


def _still(asset: MediaAsset, frames: int, plan: RenderPlan, *, variant: int) -> Shot:
    aspect = asset.width / asset.height if asset.width and asset.height else plan.width / plan.height
    return Shot(path=str(asset.local_path), aspect=aspect, frames=frames, variant=variant)


def _video_clip(path: str, duration_s: float | None, frames: int, plan: RenderPlan) -> Stream:
    """Constant frame rate first (so only kept frames are scaled), cut to the shot; never looped.

    A clip shorter than the shot plays slower (up to SLOW_LIMIT) and then holds its last frame; an unknown
    duration is taken as long enough, and the hold covers the difference. The clip's own sound is dropped:
    stock footage audio rarely fits, and narration and music own the track.
    """
    slot_s = frames / plan.fps
    factor = min(SLOW_LIMIT, slot_s / duration_s) if duration_s and duration_s < slot_s else 1.0
    source = ffmpeg.input(path, t=f"{slot_s / factor + 1.0:.3f}").video
    if factor > 1.0:
        source = source.filter("setpts", f"{factor:.6f}*(PTS-STARTPTS)")
    held = cover(source.filter("fps", plan.fps), plan.width, plan.height).filter("tpad", stop=frames, stop_mode="clone")
    trimmed = held.filter("trim", end_frame=frames)
    return trimmed.filter("settb", f"1/{plan.fps}").filter("setpts", "N")
