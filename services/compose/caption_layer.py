"""Captions burned in as a layer: libass draws each cue once, and the frames that show it only blend that image.

The `subtitles` filter on the picture re-renders and re-blends the text on every frame. Here libass renders a
slotted copy of the script (cue k alone during second k + 1) on a transparent canvas at one frame per second, so
once per cue; the band where captions sit is cut out, each image is held for its cue's frames, and `overlay`
blends the band onto the picture. Same style, same font, same libass: the pixels match the per-frame render.
"""

import math
from pathlib import Path

import ffmpeg

from services.compose.caption_style import caption_layout
from services.compose.captions import Cue, write_ass
from services.compose.fonts import FONTS_DIR
from services.compose.plan import RenderPlan
from services.models import CaptionStyle

Stream = ffmpeg.nodes.FilterableStream


def with_captions(
    video: Stream,
    cues: list[Cue],
    plan: RenderPlan,
    *,
    script_path: Path,
    style: CaptionStyle = "subtitle",
    total_frames: int | None = None,
) -> Stream:
    """`video` with the cues burned in; `script_path` receives the slotted script libass reads.

    `total_frames` is the length of `video` when it is not the plan's (a segment of it).
    """
    if not cues:
        return video
    top, bottom = caption_band(plan.width, plan.height, style)
    slotted = [cue.model_copy(update={"start_s": k + 1, "end_s": k + 2}) for k, cue in enumerate(cues)]
    write_ass(slotted, script_path, width=plan.width, height=plan.height, style=style)
    canvas = f"color=c=black@0:s={plan.width}x{plan.height}:r=1:d={len(cues) + 1},format=yuva420p"
    images = ffmpeg.input(canvas, f="lavfi").video
    images = images.filter("subtitles", filename=str(script_path), fontsdir=str(FONTS_DIR), alpha=1)
    images = images.filter("crop", plan.width, bottom - top, 0, top)
    frames = plan.total_frames if total_frames is None else total_frames
    segments = _segments(cues, fps=plan.fps, total_frames=frames)
    slot, last = segments[-1]
    segments[-1] = (slot, last + 1)  # overlay stops blending at the layer's last timestamp: one frame past the end
    copies = images.filter_multi_output("split", len(segments))
    parts = []
    for i, (slot, frames) in enumerate(segments):
        held = copies.stream(i).filter("trim", start_frame=slot, end_frame=slot + 1)
        held = held.filter("loop", loop=frames - 1, size=1, start=0).filter("settb", f"1/{plan.fps}")
        parts.append(held.filter("setpts", "N"))
    layer = ffmpeg.concat(*parts, v=1, a=0) if len(parts) > 1 else parts[0]
    return ffmpeg.filter([video, layer], "overlay", x=0, y=top, format="yuv420", eof_action="pass")


def caption_band(width: int, height: int, style: CaptionStyle = "subtitle") -> tuple[int, int]:
    """Top and bottom rows (even, for 4:2:0 chroma) of the area captions can cover, outline and shadow included."""
    layout = caption_layout(width, height, style)
    top = max(0, 2 * math.floor((height - layout.margin_v - layout.band_lines * layout.font_size) / 2))
    bottom = min(height, 2 * math.ceil((height - layout.margin_v + layout.font_size / 2) / 2))
    return top, bottom


def frame_exact_cues(cues: list[Cue], *, fps: int, total_frames: int) -> list[Cue]:
    """The cues as the layer shows them: times moved to the edges of the frames each one covers.

    A cue that starts while the one before is still up waits for it; after this, no cue overlaps another, so the
    cues of any whole-frame cut of the video (a segment) are shown on exactly the frames the whole video shows them.
    """
    exact, cursor = [], 0
    for slot, frames in _segments(cues, fps=fps, total_frames=total_frames):
        if slot:
            exact.append(cues[slot - 1].model_copy(update={"start_s": cursor / fps, "end_s": (cursor + frames) / fps}))
        cursor += frames
    return exact


def _segments(cues: list[Cue], *, fps: int, total_frames: int) -> list[tuple[int, int]]:
    """(slot, frames) runs covering the video: slot 0 is the empty canvas, slot k the k-th cue.

    A frame at time n/fps shows the cue when start <= n/fps < end, as libass decides per frame.
    """
    runs: list[tuple[int, int]] = []
    cursor = 0
    for slot, cue in enumerate(cues, start=1):
        first = min(total_frames, max(cursor, _frame_at(cue.start_s, fps)))
        end = min(total_frames, _frame_at(cue.end_s, fps))
        if end <= first:
            continue
        if first > cursor:
            runs.append((0, first - cursor))
        runs.append((slot, end - first))
        cursor = end
    if total_frames > cursor:
        runs.append((0, total_frames - cursor))
    return runs


def _frame_at(seconds: float, fps: int) -> int:
    """The first frame at or after `seconds` (cue times are rounded to milliseconds, hence the tolerance)."""
    return math.ceil(seconds * fps - 1e-6)
