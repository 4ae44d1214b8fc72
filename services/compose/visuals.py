"""The picture half of the filter graph: scenes at the output size, slow pan/zoom on stills, transitions.

Speed comes from doing per-frame work only where it is unavoidable: a still is scaled once and its frame repeated,
and the pan is a `crop` whose offset moves by whole pixels at a steady cadence (no resampling per frame, no
jitter). Video clips are resampled to constant frame rate before scaling, so only output frames are scaled.
"""

import math
from typing import Literal

import ffmpeg

from services.compose.plan import RenderPlan, ScenePlan

Motion = Literal["pan", "zoom", "none"]
Stream = ffmpeg.nodes.FilterableStream

TRANSITIONS = ("fade", "fadeblack", "dissolve", "wipeleft", "slideleft", "smoothleft", "circleopen", "radial")
MIXED_CYCLE = ("fade", "smoothleft", "circleopen", "fadeblack", "wipeleft", "radial")
MOTION_SHARE = 0.08
"""How far a still travels during its scene, as a share of the frame's long side."""


def transition_for(style: str, index: int) -> str:
    """The xfade transition before scene `index` (1-based among transitions); "mixed" cycles a curated set."""
    if style == "mixed":
        return MIXED_CYCLE[(index - 1) % len(MIXED_CYCLE)]
    if style not in TRANSITIONS:
        raise ValueError(f"unknown transition {style!r}; choose one of {', '.join(TRANSITIONS)} or 'mixed'")
    return style


def video_track(plan: RenderPlan, *, motion: Motion, transition: str) -> Stream:
    """All scenes joined by transitions at frame-exact offsets, at the output size, yuv420p, constant fps.

    Only the overlapping frames go through xfade: each scene is cut into head, body and tail, each transition
    blends one tail with the next head, and the pieces are concatenated. Chaining xfade over whole scenes costs
    a few milliseconds per frame per chained filter even outside the transition, which dominated the render.
    """
    streams = [scene_stream(scene, plan, motion=motion) for scene in plan.scenes]
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
            parts.append(
                ffmpeg.filter(
                    [pending_tail, head],
                    "xfade",
                    transition=transition_for(transition, scene.index),
                    duration=f"{overlap / plan.fps:.6f}",
                    offset=0,
                )
            )
        if body is not None:
            parts.append(body)
        pending_tail = tail
    return ffmpeg.concat(*parts, v=1, a=0)


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


def scene_stream(scene: ScenePlan, plan: RenderPlan, *, motion: Motion) -> Stream:
    """One scene's frames: stills scaled once, repeated and panned; videos trimmed or looped to the scene."""
    asset = scene.clip.asset
    path = str(asset.local_path)
    if asset.kind == "video":
        return _video_clip(path, scene, plan)
    if motion == "none":
        return _repeat(_cover(ffmpeg.input(path).video, plan.width, plan.height), scene.frames, plan.fps)
    aspect = asset.width / asset.height if asset.width and asset.height else plan.width / plan.height
    travel, step = _travel(scene.frames, plan)
    if motion == "zoom":
        return _zoom(path, scene, plan, travel=travel, step=step)
    horizontal = _pan_axis_horizontal(aspect, plan, scene.index)
    extra = travel + travel % 2
    box_w, box_h = (plan.width + extra, plan.height) if horizontal else (plan.width, plan.height + extra)
    still = _repeat(_cover(ffmpeg.input(path).video, box_w, box_h), scene.frames, plan.fps)
    forward = (scene.index // 2) % 2 == 0
    offset = f"floor(n/{step})" if forward else f"{travel}-floor(n/{step})"
    x, y = (offset, "0") if horizontal else ("0", offset)
    return still.filter("crop", plan.width, plan.height, x=x, y=y, exact=1)


def _travel(frames: int, plan: RenderPlan) -> tuple[int, int]:
    """Pixels to travel and frames per pixel step: a whole number of frames per pixel keeps the motion even."""
    target = max(1, round(MOTION_SHARE * max(plan.width, plan.height)))
    step = max(1, math.ceil((frames - 1) / target))
    return max(1, (frames - 1) // step), step


def _pan_axis_horizontal(aspect: float, plan: RenderPlan, index: int) -> bool:
    """Pan along the axis the image overflows anyway (no extra zoom); alternate when it fits the frame exactly."""
    frame_aspect = plan.width / plan.height
    if abs(aspect - frame_aspect) < 0.01:
        return index % 2 == 0
    return aspect > frame_aspect


def _zoom(path: str, scene: ScenePlan, plan: RenderPlan, *, travel: int, step: int) -> Stream:
    """A slow zoom in or out; costs one bilinear scale per frame, unlike the pan."""
    w, h = plan.width, plan.height
    box_w, box_h = w + 2 * travel, h + 2 * round(travel * h / w)
    still = _repeat(_cover(ffmpeg.input(path).video, box_w, box_h), scene.frames, plan.fps)
    grow = f"floor(n/{step})" if scene.index % 2 == 0 else f"{travel}-floor(n/{step})"
    zoomed = still.filter(
        "scale", w=f"{w}+2*({grow})", h=f"{h}+2*round(({grow})*{h}/{w})", eval="frame", flags="bilinear"
    )
    return zoomed.filter("crop", w, h, exact=1).filter("setsar", 1)


def _video_clip(path: str, scene: ScenePlan, plan: RenderPlan) -> Stream:
    """Constant frame rate first (so only kept frames are scaled), looped if short, cut to the scene's frames.

    The clip's own sound is dropped: stock footage audio rarely fits, and narration and music own the track.
    """
    seconds = scene.frames / plan.fps + 1.0
    source = ffmpeg.input(path, stream_loop=-1, t=f"{seconds:.3f}").video.filter("fps", plan.fps)
    trimmed = _cover(source, plan.width, plan.height).filter("trim", end_frame=scene.frames)
    return trimmed.filter("settb", f"1/{plan.fps}").filter("setpts", "N")


def _repeat(stream: Stream, frames: int, fps: int) -> Stream:
    """Repeat one prepared frame `frames` times at `fps` (no per-frame decoding or scaling)."""
    looped = stream.filter("loop", loop=frames - 1, size=1, start=0).filter("settb", f"1/{fps}")
    return looped.filter("setpts", "N").filter("fps", fps)  # fps only labels the rate: no frame is dropped


def _cover(stream: Stream, w: int, h: int) -> Stream:
    """Scale to cover w x h honouring the sample aspect ratio, centre-crop, square pixels, yuv420p."""
    wider = f"gt(iw*sar*{h},ih*{w})"
    stream = stream.filter(
        "scale",
        w=f"if({wider},ceil({h}*iw*sar/ih/2)*2,{w})",
        h=f"if({wider},{h},ceil({w}*ih/(iw*sar)/2)*2)",
        flags="bicubic",
    )
    return stream.filter("crop", w, h).filter("setsar", 1).filter("format", "yuv420p")
