"""The composer on a small 2-scene timeline: a complete, decodable MP4 of the right size and length."""

from pathlib import Path

import pytest

from services.compose.render import Composer
from services.exceptions import ComposeError
from services.models import MediaAsset, Scene, Timeline, TimelineClip
from tests.media_checks import (
    audio_seconds,
    decode_errors,
    make_clip,
    make_still,
    stream_summary,
    video_frames_and_seconds,
)


def _clip(index: int, path: Path, kind: str, start: float, seconds: float = 1.5) -> TimelineClip:
    asset = MediaAsset(
        scene_index=index,
        provider="local",
        kind=kind,
        asset_id=str(path),
        source_url=path.as_uri(),
        local_path=path,
        width=320,
        height=240,
    )
    scene = Scene(index=index, narration=f"Сцена {index}: hello.", visual_query="q", duration_s=seconds)
    return TimelineClip(scene=scene, asset=asset, start_s=start)


def _timeline(tmp_path: Path, *, width: int = 640, height: int = 360) -> Timeline:
    still = make_still(tmp_path / "in" / "still.png", size="300x200")
    clip = make_clip(tmp_path / "in" / "clip.mp4", size="320x240", seconds=0.7, fps=24)
    return Timeline(
        title="t",
        description="d",
        language="ru",
        width=width,
        height=height,
        transition_s=0.5,
        clips=[_clip(0, still, "image", 0.0), _clip(1, clip, "video", 1.0)],
    )


def test_two_scene_timeline_renders_a_complete_mp4(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path)
    video = Composer(preset="ultrafast").render(timeline, tmp_path / "out")

    assert video.path == tmp_path / "out" / "video.mp4"
    assert decode_errors(video.path) == ""
    frames, _ = video_frames_and_seconds(video.path)
    assert abs(frames - timeline.duration_s * 30) <= 1
    assert abs(audio_seconds(video.path) - timeline.duration_s) <= 1 / 30 + 0.025
    summary = stream_summary(video.path)
    assert "h264" in summary and "yuv420p" in summary and "640x360" in summary and "30 fps" in summary
    assert "aac" in summary and "48000 Hz" in summary
    assert (video.width, video.height) == (640, 360)
    assert video.thumbnail_path.is_file() and video.thumbnail_path.stat().st_size > 1000
    assert "Сцена 1: hello." in video.captions_path.read_text(encoding="utf-8")
    assert len(video.sha256) == 64
    assert [p.name for p in (tmp_path / "out").glob(".*")] == []


def test_moov_atom_comes_first_for_streaming(tmp_path: Path) -> None:
    video = Composer(preset="ultrafast").render(_timeline(tmp_path), tmp_path / "out")
    head = video.path.read_bytes()[:200_000]
    assert 0 <= head.find(b"moov") < head.find(b"mdat")


def test_corrupt_input_fails_with_ffmpeg_detail_and_no_file(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path)
    timeline.clips[1].asset.local_path.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(ComposeError) as failure:
        Composer(preset="ultrafast").render(timeline, tmp_path / "out")
    assert "[compose]" in str(failure.value) and failure.value.stderr_tail
    assert not (tmp_path / "out" / "video.mp4").exists()
    assert list((tmp_path / "out").glob("*.mp4")) == []
