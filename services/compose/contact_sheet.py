"""A contact sheet of the chosen media: one numbered tile per scene, so a reviewer sees the picks at a glance."""

import math
import os
from pathlib import Path

import ffmpeg

from services.compose.fonts import BOLD_FONT
from services.ffmpeg import run_ffmpeg
from services.models import Timeline
from services.partials import partial_path

TILE_LONG_SIDE = 320
MAX_COLUMNS = 4


def write_contact_sheet(timeline: Timeline, path: Path, *, timeout_s: float) -> Path:
    """Tiles at the video's aspect in scene order (first frame of a video clip), written atomically as PNG."""
    scale = TILE_LONG_SIDE / max(timeline.width, timeline.height)
    tile_w, tile_h = _even(timeline.width * scale), _even(timeline.height * scale)
    tiles = []
    for number, clip in enumerate(timeline.clips, start=1):
        options = {"t": 1} if clip.asset.kind == "video" else {}
        source = ffmpeg.input(str(clip.asset.local_path), **options)
        tile = source.video.filter("trim", end_frame=1).filter("setpts", "PTS-STARTPTS")
        tile = tile.filter("scale", tile_w, tile_h, force_original_aspect_ratio="increase")
        tile = tile.filter("crop", tile_w, tile_h).filter("setsar", 1).filter("format", "rgb24")
        tiles.append(
            tile.drawtext(
                fontfile=str(BOLD_FONT),
                text=str(number),
                fontsize=max(14, tile_h // 6),
                fontcolor="white",
                box=1,
                boxcolor="black@0.6",
                boxborderw=6,
                x=8,
                y=8,
            )
        )
    columns = min(MAX_COLUMNS, len(tiles))
    rows = math.ceil(len(tiles) / columns)
    sheet = ffmpeg.concat(*tiles, v=1, a=0) if len(tiles) > 1 else tiles[0]
    sheet = sheet.filter("tile", f"{columns}x{rows}", padding=6, margin=6, color="0x202020")
    partial = partial_path(path)
    args = ffmpeg.output(sheet, str(partial), vframes=1, f="image2", update=1).get_args()
    try:
        run_ffmpeg(args, timeout_s=timeout_s, what="drawing the contact sheet")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)
