"""Independent checks of produced media, straight from the ffmpeg binary (no code of ours involved)."""

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def decode_errors(path: Path) -> str:
    """Decode every frame and sample; return what ffmpeg reported as errors (empty when clean)."""
    done = subprocess.run(
        [FFMPEG, "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stderr.strip() if done.returncode == 0 else f"exit {done.returncode}: {done.stderr.strip()}"


def stream_summary(path: Path) -> str:
    return subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


def video_frames_and_seconds(path: Path) -> tuple[int, float]:
    return imageio_ffmpeg.count_frames_and_secs(str(path))


def audio_seconds(path: Path) -> float:
    """Decoded audio duration: the last `time=` ffmpeg prints while decoding only the audio."""
    done = subprocess.run(
        [FFMPEG, "-hide_banner", "-i", str(path), "-vn", "-f", "null", "-"], capture_output=True, text=True
    )
    h, m, s = re.findall(r"time=(\d+):(\d+):(\d+\.\d+)", done.stderr)[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)


def make_still(path: Path, *, size: str = "640x360", colour: str = "red") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c={colour}:s={size}", "-frames:v", "1", str(path)],
        check=True,
    )
    return path


def make_clip(path: Path, *, size: str = "320x240", seconds: float = 1.0, fps: int = 25) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            FFMPEG,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=s={size}:d={seconds}:r={fps}",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )
    return path
