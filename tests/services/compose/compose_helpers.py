"""Helpers shared by the composer tests: building timelines and reading facts back from rendered files."""

import re
import subprocess
from pathlib import Path

from services.ffmpeg import ffmpeg_exe
from services.models import MediaAsset, NarrationAudio, Scene, Timeline, TimelineClip


def make_timeline(
    scenes: list[tuple[MediaAsset, float, str, NarrationAudio | None]],
    *,
    width: int,
    height: int,
    transition_s: float = 0.5,
) -> Timeline:
    """Scenes (asset, duration, caption text, narration) laid end to end with overlapping transitions."""
    clips, start = [], 0.0
    for index, (asset, duration, text, narration) in enumerate(scenes):
        scene = Scene(index=index, narration=text, visual_query=asset.asset_id, duration_s=duration)
        clips.append(TimelineClip(scene=scene, asset=asset, start_s=max(0.0, round(start, 3)), narration=narration))
        start += duration - transition_s
    return Timeline(
        title="test video",
        description="made by tests",
        language="en",
        width=width,
        height=height,
        transition_s=transition_s if len(scenes) > 1 else 0.0,
        clips=clips,
    )


def decode(path: Path, *extra: str) -> str:
    """Decode every stream completely; return stderr, failing the test on any decoding error."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-xerror", "-i", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def stream_durations(path: Path) -> dict[int, float]:
    """Seconds of decoded media per stream, summed from per-frame durations (no ffprobe needed)."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    timebases = {int(i): (int(n), int(d)) for i, n, d in re.findall(r"#tb (\d+): (\d+)/(\d+)", done.stdout)}
    totals: dict[int, int] = {}
    for line in done.stdout.splitlines():
        if line and not line.startswith("#"):
            fields = [f.strip() for f in line.split(",")]
            totals[int(fields[0])] = totals.get(int(fields[0]), 0) + int(fields[3])
    return {i: total * timebases[i][0] / timebases[i][1] for i, total in totals.items()}


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) measured by ffmpeg's ebur128."""
    stderr = decode(path, "-map", "0:a", "-af", "ebur128=peak=true", "-v", "info", "-f", "null", "-")
    summary = stderr[stderr.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))


def sound_onsets(path: Path) -> list[float]:
    """Where sound starts after silence in the file's audio (silencedetect), in seconds."""
    stderr = decode(path, "-map", "0:a", "-af", "silencedetect=n=-45dB:d=0.1", "-v", "info", "-f", "null", "-")
    return [float(t) for t in re.findall(r"silence_end: (-?[\d.]+)", stderr)]


def header(path: Path) -> str:
    """What `ffmpeg -i` says about the file's streams."""
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    return done.stderr


def gray_frame(path: Path, at_s: float, *, width: int, height: int) -> bytes:
    """One decoded frame as 8-bit gray pixels, row by row."""
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-ss", f"{at_s:.3f}", "-i", str(path), "-frames:v", "1"]
        + ["-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True,
        check=True,
    )
    assert len(done.stdout) == width * height
    return done.stdout


def rgb_at(path: Path, at_s: float, x: int, y: int, *, width: int) -> tuple[int, int, int]:
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-ss", f"{at_s:.3f}", "-i", str(path), "-frames:v", "1"]
        + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    )
    offset = (y * width + x) * 3
    r, g, b = done.stdout[offset : offset + 3]
    return r, g, b
