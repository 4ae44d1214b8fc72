"""Motion measured on real renders: the pan moves by even sub-pixel steps, short clips never jump back, and a
scene with extra assets cuts between them at the expected frames."""

import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from services.compose import Composer
from services.compose.plan import plan_render
from services.compose.visuals import shot_frames
from services.exceptions import ComposeError
from services.ffmpeg import ffmpeg_exe, run_ffmpeg
from services.models import MediaAsset
from tests.services.compose.compose_helpers import make_timeline, stream_durations

W, H = 480, 270


def frames_of(path: Path, *, rgb: bool = False) -> np.ndarray:
    """Every decoded frame, 8-bit gray (frames, H, W) or RGB (frames, H, W, 3), as floats."""
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24" if rgb else "gray", "-"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    shape = (-1, H, W, 3) if rgb else (-1, H, W)
    return np.frombuffer(done.stdout, np.uint8).reshape(shape).astype(np.float64)


def centroids(frames: np.ndarray) -> np.ndarray:
    """Sub-pixel (x, y) of the bright marker in each frame: intensity-weighted centre above the dark background."""
    weights = np.clip(frames - 40.0, 0.0, None)
    total = weights.sum(axis=(1, 2))
    ys, xs = np.mgrid[0 : frames.shape[1], 0 : frames.shape[2]]
    return np.stack([(weights * xs).sum(axis=(1, 2)) / total, (weights * ys).sum(axis=(1, 2)) / total], axis=1)


@pytest.fixture
def marker_still(tmp_path: Path) -> MediaAsset:
    """A soft bright disc (Gaussian, sigma 6 px) in the middle of a dark 640x360 still."""
    path = tmp_path / "marker.png"
    glow = "geq=lum='16+220*exp(-((X-320)*(X-320)+(Y-180)*(Y-180))/72)'"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "color=c=black:s=640x360", "-vf", f"format=gray,{glow}", "-frames:v", "1", str(path)],
        timeout_s=60,
        what="making the marker still",
    )
    return MediaAsset(
        scene_index=0, provider="test", kind="image", asset_id="marker", source_url=path.as_uri(), local_path=path,
        width=640, height=360,
    )  # fmt: skip


def pan_steps(still: MediaAsset, out: Path, motion: str) -> np.ndarray:
    """Per-frame displacement (pixels, along the pan) of the marker in a 2 s render of one panned still."""
    timeline = make_timeline([(still, 2.0, "", None)], width=W, height=H)
    video = Composer(preset="ultrafast", crf=4, motion=motion).render(timeline, out)
    positions = centroids(frames_of(video.path))
    steps = np.diff(positions, axis=0)
    moving = int(np.argmax(np.abs(steps).sum(axis=0)))
    assert np.abs(steps[:, 1 - moving]).max() < 0.05, "the pan follows one axis"
    return steps[:, moving]


def test_the_pan_moves_by_even_sub_pixel_steps(marker_still, tmp_path) -> None:
    steps = pan_steps(marker_still, tmp_path / "pan", "pan")

    assert len(steps) == 59
    assert abs(steps.sum()) > 0.06 * W, f"travel {steps.sum():.1f} px is not clearly visible"
    direction = np.sign(steps.sum())
    assert (steps * direction).min() > 0.1, f"the pan stands still somewhere: {np.round(steps, 2)}"
    assert np.abs(np.diff(steps)).max() < 0.35, f"uneven steps: {np.round(steps, 2)}"
    middle, ends = np.abs(steps[25:35]).mean(), np.abs(np.r_[steps[:5], steps[-5:]]).mean()
    assert middle > 1.3 * ends, "eased: faster in the middle than at the ends"


def test_the_whole_pixel_pan_fails_the_same_measure(marker_still, tmp_path) -> None:
    """The measure tells the two apart: the old pan jumps by whole pixels between frames that do not move."""
    steps = pan_steps(marker_still, tmp_path / "pixel", "pixel_pan")

    assert np.abs(np.diff(steps)).max() > 0.7
    assert np.isclose(steps, 0, atol=0.05).sum() > 5


def test_a_short_clip_in_a_long_slot_never_jumps_back(make_clip, tmp_path) -> None:
    """0.5 s of footage in a 2 s scene: slowed to 0.75 s, then its last frame held; never restarted."""
    clip = make_clip("short", 320, 180, fps=30, seconds=0.5)
    timeline = make_timeline([(clip, 2.0, "", None)], width=W, height=H)
    video = Composer(preset="ultrafast", crf=10).render(timeline, tmp_path / "out")

    frames = frames_of(video.path)
    assert len(frames) == 60
    change = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2))
    playing = change[:20]
    assert playing.max() > 0.2, "the clip plays at first"
    assert change.max() <= 1.5 * playing.max(), f"a jump: {np.round(change, 2)}"
    assert change[24:].max() < 0.05, "the last frame is held to the end"
    from_first = np.abs(frames[3:] - frames[0]).mean(axis=(1, 2))
    assert from_first.min() > 0.5, "a frame shows the clip's start again"
    assert from_first[-1] > 4 * playing.max(), "looping back would have been a jump"


def test_a_scene_with_two_extra_assets_shows_three_images_in_turn(
    make_still: Callable[..., MediaAsset], tmp_path: Path
) -> None:
    red, green, blue = (make_still(c, 640, 360, color=c) for c in ("red", "lime", "blue"))
    closing = make_still("closing", 640, 360, color="white")
    timeline = make_timeline([(red, 3.0, "", None), (closing, 1.0, "", None)], width=W, height=H, transition_s=0.3)
    timeline.clips[0].extra_assets = [green, blue]
    video = Composer(preset="ultrafast", crf=10).render(timeline, tmp_path / "out")

    assert abs(stream_durations(video.path)[0] - plan_render(timeline).duration_s) < 1 / 60
    centres = frames_of(video.path, rgb=True)[:, H // 2, W // 2]
    shown = ["rgb"[int(np.argmax(c))] if c.max() > 200 and np.sort(c)[1] < 60 else "?" for c in centres[:81]]
    assert "".join(shown) == "r" * 30 + "g" * 30 + "b" * 21, "".join(shown)


def test_shots_split_a_scene_evenly_and_are_never_shorter_than_the_minimum() -> None:
    assert shot_frames(90, 3, min_frames=30) == [30, 30, 30]
    assert shot_frames(91, 3, min_frames=30) == [30, 31, 30]
    assert shot_frames(75, 3, min_frames=30) == [38, 37]
    assert shot_frames(20, 3, min_frames=30) == [20]
    assert sum(shot_frames(149, 4, min_frames=30)) == 149


def test_a_missing_extra_asset_is_refused_before_rendering(make_still, tmp_path) -> None:
    first, gone = make_still("first", 64, 36), make_still("gone", 64, 36)
    gone.local_path.unlink()
    timeline = make_timeline([(first, 2.0, "", None)], width=W, height=H)
    timeline.clips[0].extra_assets = [gone]

    with pytest.raises(ComposeError, match="gone.png does not exist"):
        Composer().render(timeline, tmp_path / "out")
    assert not (tmp_path / "out").exists()
