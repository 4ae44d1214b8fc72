"""Real media for composer tests, made with the bundled ffmpeg: stills, clips, and narration with known spans."""

from collections.abc import Callable
from pathlib import Path

import pytest

from services.ffmpeg import run_ffmpeg
from services.models import MediaAsset, NarrationAudio, SentenceSpan


def ffmpeg_make(args: list[str]) -> None:
    run_ffmpeg(args, timeout_s=60, what="making a test fixture")


@pytest.fixture
def make_still(tmp_path: Path) -> Callable[..., MediaAsset]:
    """A PNG still of a given size (a test pattern with a hue per seed), as a MediaAsset."""

    def make(name: str, width: int, height: int, *, seed: int = 0, color: str | None = None) -> MediaAsset:
        path = tmp_path / f"{name}.png"
        source = f"color=c={color}:s={width}x{height}" if color else f"testsrc2=s={width}x{height}"
        hue = "" if color else f",hue=h={seed * 47}"
        ffmpeg_make(["-f", "lavfi", "-i", source, "-vf", f"format=rgb24{hue}", "-frames:v", "1", str(path)])
        return _asset(name, "image", path, width, height)

    return make


@pytest.fixture
def make_clip(tmp_path: Path) -> Callable[..., MediaAsset]:
    """A short H.264 clip with its own frame rate, size, sample aspect ratio and an audio track (to be dropped)."""

    def make(name: str, width: int, height: int, *, fps: float, seconds: float, sar: str = "1/1") -> MediaAsset:
        path = tmp_path / f"{name}.mp4"
        video = f"testsrc=s={width}x{height}:r={fps}:d={seconds},setsar={sar}"
        audio = f"sine=f=220:d={seconds}"
        ffmpeg_make(
            ["-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio, "-c:v", "libx264", "-preset", "ultrafast"]
            + ["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)]
        )
        return _asset(name, "video", path, width, height, duration_s=seconds)

    return make


@pytest.fixture
def make_narration(tmp_path: Path) -> Callable[..., NarrationAudio]:
    """A narration WAV: a tone per sentence at known spans, silence between, like speech with pauses."""

    def make(index: int, spans: list[tuple[str, float, float]], *, seconds: float) -> NarrationAudio:
        path = tmp_path / f"narration-{index}.wav"
        gate = "+".join(f"between(t,{start},{end})" for _, start, end in spans) or "0"
        tone = f"0.25*sin(2*PI*{330 + 110 * index}*t)"
        ffmpeg_make(["-f", "lavfi", "-i", f"aevalsrc='({gate})*{tone}':s=48000:d={seconds}", str(path)])
        return NarrationAudio(
            scene_index=index,
            path=path,
            duration_s=seconds,
            voice="test-tone",
            sentences=[SentenceSpan(text=t, start_s=s, end_s=e) for t, s, e in spans],
        )

    return make


def _asset(name: str, kind: str, path: Path, width: int, height: int, duration_s: float | None = None) -> MediaAsset:
    return MediaAsset(
        scene_index=0,
        provider="test",
        kind=kind,
        asset_id=name,
        source_url=path.as_uri(),
        local_path=path,
        width=width,
        height=height,
        duration_s=duration_s,
    )
