"""Picture checks on real renders: aspect ratios, foreign clips, small stills, captions in Cyrillic."""

import re

import pytest

from services.compose import Composer
from services.compose.plan import plan_render
from services.models import FRAME_SIZES
from tests.services.compose.compose_helpers import decode, gray_frame, header, make_timeline, rgb_at, stream_durations


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_each_aspect_ratio_renders_at_its_frame_size(aspect, make_still, tmp_path) -> None:
    width, height = FRAME_SIZES[aspect]
    timeline = make_timeline(
        [
            (make_still("wide", 1280, 720, seed=1), 1.0, "Wide.", None),
            (make_still("tall", 600, 900), 1.0, "Tall.", None),
        ],
        width=width,
        height=height,
        transition_s=0.3,
    )
    video = Composer(preset="ultrafast", crf=35, transition="mixed").render(timeline, tmp_path / "out")

    assert (video.width, video.height) == (width, height)
    assert f"{width}x{height}" in header(video.path) and "SAR 1:1" in header(video.path)
    decode(video.path, "-f", "null", "-")
    assert abs(stream_durations(video.path)[0] - plan_render(timeline).duration_s) < 1 / 60


def test_clips_with_other_fps_sar_and_lengths_are_normalised(make_clip, tmp_path) -> None:
    anamorphic = make_clip("pal", 352, 288, fps=25, seconds=3.0, sar="16/11")
    short = make_clip("short", 322, 242, fps=24000 / 1001, seconds=0.5)
    timeline = make_timeline(
        [(anamorphic, 1.5, "Trimmed.", None), (short, 2.0, "Looped.", None)], width=320, height=180
    )
    video = Composer(preset="ultrafast").render(timeline, tmp_path / "out")

    info = header(video.path)
    assert re.search(r"320x180 \[SAR 1:1 DAR 16:9\].* 30 fps", info), info
    durations = stream_durations(video.path)
    assert abs(durations[0] - plan_render(timeline).duration_s) < 1 / 60
    assert abs(durations[1] - durations[0]) <= 1 / 30


def test_a_still_smaller_than_the_frame_fills_it(make_still, tmp_path) -> None:
    tiny = make_still("tiny", 48, 27, color="red")
    timeline = make_timeline([(tiny, 1.0, "", None)], width=640, height=360)
    video = Composer(preset="ultrafast").render(timeline, tmp_path / "out")

    for x, y in [(2, 2), (637, 2), (320, 180), (2, 357), (637, 357)]:
        r, g, b = rgb_at(video.path, 0.5, x, y, width=640)
        assert r > 200 and g < 60 and b < 60, (x, y, (r, g, b))


def test_cyrillic_captions_render_as_distinct_glyphs(make_still, tmp_path) -> None:
    """Pixels in the caption area change against a caption-less render, and two different Cyrillic words give
    different pixels (missing glyphs would draw identical boxes)."""
    still = make_still("grey", 640, 360, color="gray")

    def caption_area(text: str, name: str) -> bytes:
        timeline = make_timeline([(still, 1.0, text, None)], width=640, height=360)
        video = Composer(preset="ultrafast", crf=10, motion="none").render(timeline, tmp_path / name)
        frame = gray_frame(video.path, 0.5, width=640, height=360)
        return frame[640 * 270 :]  # bottom quarter, where captions sit

    blank, first, second = caption_area("", "blank"), caption_area("Привет, мир.", "a"), caption_area("Съешь ещё.", "b")
    assert _changed(blank, first) > 500 and _changed(blank, second) > 500
    assert _changed(first, second) > 200


def _changed(a: bytes, b: bytes) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if abs(x - y) > 40)


@pytest.mark.parametrize("motion", ["pan", "zoom", "none"])
def test_stills_move_only_when_motion_is_on(motion, make_still, tmp_path) -> None:
    timeline = make_timeline([(make_still("a", 640, 360), 1.5, "", None)], width=320, height=180)
    video = Composer(preset="ultrafast", crf=10, motion=motion).render(timeline, tmp_path / "out")

    early, late = (gray_frame(video.path, t, width=320, height=180) for t in (0.1, 1.3))
    assert (_changed(early, late) > 1000) == (motion != "none")
