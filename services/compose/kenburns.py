"""Motion on stills (Ken Burns): a smooth sub-pixel pan by default, the old whole-pixel pan, a slow zoom.

The smooth pan resamples nothing per output frame. The still is scaled once to a box a little larger than the
frame; PHASES repeats of it go through one bilinear `perspective`, repeat k shifted by k * 2 / PHASES pixels along
the pan, and `tile` stacks them into one tall (or wide) "phase atlas" frame. That frame is repeated by reference
and each output frame is a `crop` of it: an even whole-pixel offset along the pan plus the choice of copy, so the
picture moves in 1/4-pixel steps while a frame costs what the whole-pixel pan costs. Offsets stay even so the
half-size chroma planes of yuv420p move exactly with the luma. The travel is eased (half linear, half cosine) so a
shot starts and ends gently without ever standing still inside a crossfade. Measured alternatives: `perspective`
per output frame costs ~26 ms per 1080p frame (as much as the encode); a `mix` of two crops per frame ~14 ms;
separate copies per phase kept ~130 MB per scene in filter buffers and lookup tables. The price of this one:
ffmpeg keeps every filter's buffers until the render ends, so an atlas built inside the render's graph holds its
PHASES boxes (27 MB at 1080p) and the perspective lookup table (18 MB): ~48 MB per 1080p still, against ~30 MB for
the whole-pixel pan. So both composers build atlases in short ffmpeg processes of their own (atlas.py,
atlas_prebuild.py) and their graphs read each back as one raw frame (`atlas=`): ~27 MB per 1080p still.
"""

import math
from pathlib import Path
from typing import Literal

import ffmpeg
from pydantic import BaseModel

from services.ffmpeg import literal_input

Motion = Literal["pan", "zoom", "none", "pixel_pan"]
"""`pixel_pan` is the former whole-pixel pan, kept to measure against (benchmarks/compose.py)."""
Stream = ffmpeg.nodes.FilterableStream

MOTION_SHARE = 0.08
"""How far a still travels during its shot, as a share of the frame's long side."""
PHASES = 8
"""Sub-pixel copies per 2 pixels of travel: the pan moves in steps of 2 / PHASES = 1/4 pixel."""
LINEAR_SHARE = 0.5
"""Part of the travel made at constant speed; the rest follows a cosine ease-in-out."""


class Shot(BaseModel):
    """One still on screen for `frames` frames; `variant` picks the pan's axis (when free) and direction."""

    path: str
    aspect: float
    frames: int
    variant: int


def still_stream(
    shot: Shot, *, width: int, height: int, fps: int, motion: Motion, first: int = 0, atlas: Path | None = None
) -> Stream:
    """The still at width x height, yuv420p, square pixels, moving as `motion` says: frames `first` to the end.

    `first` > 0 gives the shot's last frames alone (a transition's tail) without making the frames before it.
    `atlas`: the smooth pan's phase atlas already built into a raw yuv420p file (atlas.py), read instead of built.
    """
    source = ffmpeg.input(shot.path, **literal_input(shot.path)).video
    if motion == "none":
        return repeat(cover(source, width, height), shot.frames - first, fps)
    travel = max(2, round(MOTION_SHARE * max(width, height)))
    horizontal = pan_axis_horizontal(shot.aspect, width / height, shot.variant)
    free_axis = abs(shot.aspect - width / height) < 0.01
    forward = (shot.variant // 2 if free_axis else shot.variant) % 2 == 0  # consecutive shots differ
    size = (width, height, fps)
    if motion == "zoom":  # scale's `n` does not follow a shifted start: the whole zoom, cut
        zoom = _zoom(source, shot, size)
        return zoom.filter("trim", start_frame=first).filter("setpts", "PTS-STARTPTS") if first else zoom
    if motion == "pixel_pan":
        return _pixel_pan(source, shot, size, travel=travel, horizontal=horizontal, forward=forward, first=first)
    pan = {"travel": travel, "horizontal": horizontal, "forward": forward, "first": first}
    return _smooth_pan(source, shot, size, atlas=atlas, **pan)


def atlas_layout(shot: Shot, *, width: int, height: int) -> tuple[int, int, bool]:
    """The smooth pan's box (width, height) for `shot` in a width x height frame, and whether it pans horizontally."""
    travel = max(2, round(MOTION_SHARE * max(width, height)))
    horizontal = pan_axis_horizontal(shot.aspect, width / height, shot.variant)
    return (*pan_box(width, height, travel=travel, horizontal=horizontal), horizontal)


def atlas_source(shot: Shot, *, width: int, height: int) -> Stream:
    """The smooth pan's phase atlas of `shot` built from the still (one frame)."""
    box_w, box_h, horizontal = atlas_layout(shot, width=width, height=height)
    source = ffmpeg.input(shot.path, **literal_input(shot.path)).video
    return phase_atlas(source, box_w, box_h, horizontal=horizontal)


def frame_number(first: int) -> str:
    """The shot's own frame number in a filter's expression when its output starts at shot frame `first`."""
    return f"(n+{first})" if first else "n"


def eased_position(travel: float, frames: int, *, forward: bool, first: int = 0) -> str:
    """ffmpeg expression of the pan offset (pixels, real) at output frame `n`: 0 -> travel, or travel -> 0."""
    t = f"({frame_number(first)}/{max(1, frames - 1)})"
    curve = f"({LINEAR_SHARE}*{t}+{(1 - LINEAR_SHARE) / 2}*(1-cos(PI*{t})))"
    return f"{travel}*{curve}" if forward else f"{travel}*(1-{curve})"


def _smooth_pan(
    source: Stream,
    shot: Shot,
    size: tuple[int, int, int],
    *,
    travel: int,
    horizontal: bool,
    forward: bool,
    first: int,
    atlas: Path | None,
) -> Stream:
    width, height, fps = size
    box_w, box_h = pan_box(width, height, travel=travel, horizontal=horizontal)
    if atlas is None:
        atlas_frame = phase_atlas(source, box_w, box_h, horizontal=horizontal)
    else:
        atlas_w, atlas_h = atlas_size(box_w, box_h, horizontal=horizontal)
        raw = ffmpeg.input(str(atlas), f="rawvideo", pix_fmt="yuv420p", s=f"{atlas_w}x{atlas_h}")
        atlas_frame = raw.video.filter("setsar", 1)
    quantum = f"round(({eased_position(travel, shot.frames, forward=forward, first=first)})*{PHASES / 2})"
    offset, phase = f"2*floor({quantum}/{PHASES})", f"mod({quantum},{PHASES})"
    x, y = (offset, f"{phase}*{box_h}") if horizontal else (f"{phase}*{box_w}", offset)
    return repeat(atlas_frame, shot.frames - first, fps).filter("crop", width, height, x=x, y=y, exact=1)


def pan_box(width: int, height: int, *, travel: int, horizontal: bool) -> tuple[int, int]:
    """The size the still is scaled to for the smooth pan: the frame plus room for the travel and the shifts."""
    extra = travel + travel % 2 + 4  # room for the copies' shifts: the crop never reaches the box's edge
    return (width + extra, height) if horizontal else (width, height + extra)


def atlas_size(box_w: int, box_h: int, *, horizontal: bool) -> tuple[int, int]:
    return (box_w, box_h * PHASES) if horizontal else (box_w * PHASES, box_h)


def phase_atlas(source: Stream, box_w: int, box_h: int, *, horizontal: bool) -> Stream:
    """One frame: PHASES copies of the still at box size, copy k shifted by k * 2 / PHASES pixels along the pan."""
    copies = cover(source, box_w, box_h).filter("loop", loop=PHASES - 1, size=1, start=0).filter("setpts", "N")
    dx, dy = (f"in*{2 / PHASES}", "0") if horizontal else ("0", f"in*{2 / PHASES}")
    corners = {
        "x0": dx,
        "y0": dy,
        "x1": f"W+{dx}",
        "y1": dy,
        "x2": dx,
        "y2": f"H+{dy}",
        "x3": f"W+{dx}",
        "y3": f"H+{dy}",
    }
    shifted = copies.filter("perspective", interpolation="linear", eval="frame", **corners)
    return shifted.filter("tile", layout=f"1x{PHASES}" if horizontal else f"{PHASES}x1")


def _pixel_pan(
    source: Stream, shot: Shot, size: tuple[int, int, int], *, travel: int, horizontal: bool, forward: bool, first: int
) -> Stream:
    """The former pan: a whole-pixel step every `step` frames at constant speed."""
    width, height, fps = size
    step = max(1, math.ceil((shot.frames - 1) / travel))
    travel = max(1, (shot.frames - 1) // step)
    extra = travel + travel % 2
    box_w, box_h = (width + extra, height) if horizontal else (width, height + extra)
    still = repeat(cover(source, box_w, box_h), shot.frames - first, fps)
    n = frame_number(first)
    offset = f"floor({n}/{step})" if forward else f"{travel}-floor({n}/{step})"
    x, y = (offset, "0") if horizontal else ("0", offset)
    return still.filter("crop", width, height, x=x, y=y, exact=1)


def _zoom(source: Stream, shot: Shot, size: tuple[int, int, int]) -> Stream:
    """A slow zoom in or out in whole-pixel size steps; costs one bilinear scale per frame, unlike the pan."""
    width, height, fps = size
    target = max(1, round(MOTION_SHARE * max(width, height)))
    step = max(1, math.ceil((shot.frames - 1) / target))
    travel = max(1, (shot.frames - 1) // step)
    box_w, box_h = width + 2 * travel, height + 2 * round(travel * height / width)
    still = repeat(cover(source, box_w, box_h), shot.frames, fps)
    grow = f"floor(n/{step})" if shot.variant % 2 == 0 else f"{travel}-floor(n/{step})"
    zoomed = still.filter(
        "scale",
        w=f"{width}+2*({grow})",
        h=f"{height}+2*round(({grow})*{height}/{width})",
        eval="frame",
        flags="bilinear",
    )
    return zoomed.filter("crop", width, height, exact=1).filter("setsar", 1)


def pan_axis_horizontal(aspect: float, frame_aspect: float, variant: int) -> bool:
    """Pan along the axis the image overflows anyway (no extra zoom); alternate when it fits the frame exactly."""
    if abs(aspect - frame_aspect) < 0.01:
        return variant % 2 == 0
    return aspect > frame_aspect


def repeat(stream: Stream, frames: int, fps: int) -> Stream:
    """Repeat one prepared frame `frames` times at `fps` (no per-frame decoding or scaling)."""
    looped = stream.filter("loop", loop=frames - 1, size=1, start=0).filter("settb", f"1/{fps}")
    return looped.filter("setpts", "N").filter("fps", fps)  # fps only labels the rate: no frame is dropped


def cover(stream: Stream, w: int, h: int, *, pix_fmt: str = "yuv420p") -> Stream:
    """Scale to cover w x h honouring the sample aspect ratio, centre-crop, square pixels, `pix_fmt`."""
    wider = f"gt(iw*sar*{h},ih*{w})"
    stream = stream.filter(
        "scale",
        w=f"if({wider},ceil({h}*iw*sar/ih/2)*2,{w})",
        h=f"if({wider},{h},ceil({w}*ih/(iw*sar)/2)*2)",
        flags="bicubic",
    )
    return stream.filter("crop", w, h).filter("setsar", 1).filter("format", pix_fmt)
