"""Captions drawn once per cue and blended as a layer: frame runs, and pixels equal to libass on every frame."""

import subprocess

import ffmpeg
import pytest

from services.compose.caption_layer import _segments, caption_band, with_captions
from services.compose.captions import Cue, write_ass
from services.compose.fonts import FONTS_DIR
from services.compose.plan import plan_render
from services.ffmpeg import ffmpeg_exe
from tests.services.compose.compose_helpers import make_timeline


def test_runs_cover_every_frame_once_with_each_cue_where_libass_shows_it() -> None:
    cues = [
        Cue(start_s=0.25, end_s=1.0, text="a"),
        Cue(start_s=1.0, end_s=1.52, text="b"),
        Cue(start_s=2.9, end_s=9, text="c"),
    ]

    runs = _segments(cues, fps=30, total_frames=90)

    assert runs == [(0, 8), (1, 22), (2, 16), (0, 41), (3, 3)]
    assert sum(frames for _, frames in runs) == 90


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920), (1080, 1080)])
def test_the_band_is_even_and_inside_the_frame(width, height) -> None:
    top, bottom = caption_band(width, height)
    assert 0 <= top < bottom <= height and top % 2 == 0 and bottom % 2 == 0


def test_layer_pixels_match_libass_on_every_frame(make_still, tmp_path) -> None:
    """The same caption through the layer and through the `subtitles` filter on each frame: the same glyphs.

    Compositing libass's shadow, outline and fill on a transparent canvas first rounds anti-aliased edges a little
    differently; nothing else may differ."""
    still = make_still("a", 640, 360)
    text = "Съешь же ещё этих мягких французских булок, да выпей чаю."
    plan = plan_render(make_timeline([(still, 1.0, text, None)], width=640, height=360))
    cues = [Cue(start_s=0.2, end_s=0.9, text=text)]
    script = tmp_path / "captions.ass"
    write_ass(cues, script, width=640, height=360)

    def frame(video: ffmpeg.nodes.FilterableStream) -> bytes:
        picked = video.filter("trim", start_frame=15, end_frame=16)
        args = ffmpeg.output(picked, "-", f="rawvideo", pix_fmt="gray", vframes=1).get_args()
        return subprocess.run([ffmpeg_exe(), "-v", "error", *args], capture_output=True, check=True).stdout

    def base() -> ffmpeg.nodes.FilterableStream:
        source = ffmpeg.input(str(still.local_path)).video.filter("format", "yuv420p")
        return source.filter("loop", loop=plan.total_frames - 1, size=1, start=0).filter("setpts", "N/30/TB")

    layered = frame(with_captions(base(), cues, plan, script_path=tmp_path / "slots.ass"))
    direct = frame(base().filter("subtitles", filename=str(script), fontsdir=str(FONTS_DIR)))
    blank = frame(base())

    assert len(layered) == len(direct) == 640 * 360
    caption = sum(abs(a - b) > 40 for a, b in zip(blank, direct, strict=True))
    assert caption > 1000  # the caption is there
    differ = [abs(a - b) for a, b in zip(layered, direct, strict=True)]
    assert max(differ) < 80 and sum(d > 40 for d in differ) < caption / 20, (max(differ), caption)  # only AA edges
