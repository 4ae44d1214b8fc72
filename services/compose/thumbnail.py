"""The video's thumbnail: its best scene without captions or transitions, with the title drawn large.

YouTube shows custom thumbnails at 16:9, 1280x720, under 2 MB. A portrait or square video's frame is therefore
centred on a blurred, dimmed copy of itself filling the 16:9 image, which is also how YouTube presents such
videos. The frame comes from the scene's own media file rather than from the composed picture, whose frames carry
burned-in captions and crossfades: the highest-scored footage, or, when every scene is a generated card, the
card's background without its phrase (the title takes its place).
"""

from pathlib import Path

import ffmpeg

from services.compose.card_art import card_background, palette_for
from services.compose.fonts import BOLD_FONT
from services.compose.kenburns import cover
from services.compose.reduced import lowres_option
from services.compose.text_layout import TextBlock, fit_text
from services.exceptions import ComposeError
from services.ffmpeg import literal_input, run_ffmpeg
from services.models import Timeline, TimelineClip

WIDTH, HEIGHT = 1280, 720
MAX_BYTES = 2 * 1024 * 1024
JPEG_QUALITIES = (3, 6, 10)
"""ffmpeg's -q:v scale (lower is better); the next one is tried while the file is over MAX_BYTES."""
TITLE_BOTTOM = 0.86
"""Where the title block ends, as a share of the height: clear of the duration badge players draw bottom right."""
Stream = ffmpeg.nodes.FilterableStream


def write_thumbnail(timeline: Timeline, path: Path, *, timeout_s: float) -> Path:
    """A 1280x720 JPEG of the best scene with the title on a translucent band, written to `path`."""
    clip = thumbnail_clip(timeline)
    title = fit_text(
        timeline.title,
        BOLD_FONT,
        box_w=WIDTH * 0.88,
        box_h=HEIGHT * 0.40,
        max_size=round(HEIGHT * 0.13),
        min_size=round(HEIGHT * 0.045),
    )
    text_file = path.with_suffix(".txt")  # beside a partial file, it shares its name and its clean-up
    text_file.write_text(title.text, encoding="utf-8")
    try:
        picture = _titled(_sixteen_by_nine(_scene_frame(clip, timeline), timeline), title, text_file)
        for quality in JPEG_QUALITIES:
            args = ffmpeg.output(picture, str(path), vframes=1, f="image2", update=1, **{"q:v": quality}).get_args()
            run_ffmpeg(args, timeout_s=timeout_s, what="drawing the thumbnail")
            if path.stat().st_size <= MAX_BYTES:
                return path
    finally:
        text_file.unlink(missing_ok=True)
    raise ComposeError(f"the thumbnail stays over {MAX_BYTES} bytes", returncode=None, stderr_tail="")


def thumbnail_clip(timeline: Timeline) -> TimelineClip:
    """The scene with the highest-scored footage (the earliest on a tie); the first scene when all are cards."""
    footage = [c for c in timeline.clips if c.asset.provider != "generated" and c.asset.local_path is not None]
    if not footage:
        return timeline.clips[0]
    return max(footage, key=lambda c: (c.asset.score, -c.scene.index))


def _scene_frame(clip: TimelineClip, timeline: Timeline) -> Stream:
    """What the scene shows at the video's aspect: a still or a frame a third into a clip, scaled once to the size
    the thumbnail shows it at (a large JPEG decoded reduced), or a card's background at the video's size."""
    asset = clip.asset
    if asset.provider == "generated" or asset.local_path is None:
        return card_background(timeline.width, timeline.height, palette_for(timeline.title, clip.scene.index))
    width, height = shown_size(timeline)
    options: dict[str, str | int] = {}
    if asset.kind == "video":
        shown = min(clip.scene.duration_s, asset.duration_s or clip.scene.duration_s)
        options = {"ss": f"{shown / 3:.3f}"}
    else:
        options |= lowres_option(asset.local_path, width, height)
    options |= literal_input(asset.local_path)
    frame = ffmpeg.input(str(asset.local_path), **options).video.filter("trim", end_frame=1)
    return cover(frame, width, height)


def shown_size(timeline: Timeline) -> tuple[int, int]:
    """The video's frame at the thumbnail's height (never enlarged), even sides: the size the thumbnail draws."""
    scale = min(1.0, HEIGHT / timeline.height)
    return max(2, round(timeline.width * scale / 2) * 2), max(2, round(timeline.height * scale / 2) * 2)


def _sixteen_by_nine(frame: Stream, timeline: Timeline) -> Stream:
    """The frame at 1280x720: scaled when it is 16:9, else centred on a blurred, dimmed fill of itself."""
    if timeline.width * HEIGHT == timeline.height * WIDTH:
        return frame.filter("scale", WIDTH, HEIGHT, flags="bicubic").filter("setsar", 1)
    copies = frame.split()
    fill, front = copies[0], copies[1]
    fill = cover(fill, WIDTH // 8, HEIGHT // 8).filter("boxblur", 4, 2)
    fill = fill.filter("scale", WIDTH, HEIGHT, flags="bicubic").filter("eq", brightness=-0.18, saturation=0.8)
    front = front.filter("scale", -2, HEIGHT, flags="bicubic").filter("setsar", 1)
    return ffmpeg.overlay(fill, front, x="(W-w)/2", y=0)


def _titled(picture: Stream, title: TextBlock, text_file: Path) -> Stream:
    """The title centred on a full-width translucent band, white with a dark outline, drawn literally."""
    pad = round(title.font_size * 0.45)
    bottom = round(HEIGHT * TITLE_BOTTOM)
    top = bottom - title.height
    banded = picture.drawbox(0, top - pad, WIDTH, title.height + 2 * pad, color="black@0.5", thickness="fill")
    return banded.drawtext(
        fontfile=str(BOLD_FONT),
        textfile=str(text_file),
        expansion="none",
        fontsize=title.font_size,
        fontcolor="white",
        borderw=max(2, title.font_size // 16),
        bordercolor="black@0.8",
        text_align="C",
        x="(w-text_w)/2",
        y=top,
        y_align="font",
    )
