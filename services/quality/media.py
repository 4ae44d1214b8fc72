"""Reading a finished video with ffmpeg alone: its length and frame rate, its sound as PCM, small grey frames,
and its loudness (EBU R128)."""

import re
import subprocess
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from services.exceptions import MediaError
from services.ffmpeg import ffmpeg_exe, stderr_tail

DECODE_TIMEOUT_S = 600.0
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_FPS = re.compile(r"Stream #.*Video: .*?, (\d+(?:\.\d+)?) fps")
_SIZE = re.compile(r"Stream #.*Video: .*?(\d{2,5})x(\d{2,5})")
_INTEGRATED = re.compile(r"Integrated loudness:\s+I:\s+(-?[\d.]+|-inf) LUFS")
_TRUE_PEAK = re.compile(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS")


class VideoFacts(BaseModel):
    duration_s: float
    fps: float
    width: int
    height: int
    has_audio: bool


class Loudness(BaseModel):
    integrated_lufs: float
    true_peak_dbtp: float


def _run(args: list[str], *, what: str, text: bool = True) -> subprocess.CompletedProcess:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=text, timeout=DECODE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise MediaError(f"{what}: ffmpeg ran past {DECODE_TIMEOUT_S:g} s") from None
    if done.returncode != 0:
        err = done.stderr if text else done.stderr.decode(errors="replace")
        raise MediaError(f"{what} failed: {stderr_tail(err, 3)}")
    return done


def video_facts(path: Path) -> VideoFacts:
    """Length (container), frame rate, size and whether there is sound, from `ffmpeg -i`."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    stderr = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=60).stderr
    duration, fps, size = _DURATION.search(stderr), _FPS.search(stderr), _SIZE.search(stderr)
    if duration is None or fps is None or size is None:
        raise MediaError(f"cannot read {path.name} as a video: {stderr_tail(stderr, 2)}")
    h, m, s = duration.groups()
    return VideoFacts(
        duration_s=int(h) * 3600 + int(m) * 60 + float(s),
        fps=float(fps.group(1)),
        width=int(size.group(1)),
        height=int(size.group(2)),
        has_audio="Audio: " in stderr,
    )


def decode_audio(path: Path, *, rate: int) -> np.ndarray:
    """The sound as mono float32 samples at `rate` Hz."""
    args = ["-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
    done = _run(args, what=f"decoding the sound of {path.name}", text=False)
    return np.frombuffer(done.stdout, dtype="<f4").astype(np.float32)


def decode_grey_frames(path: Path, *, width: int, height: int) -> np.ndarray:
    """Every frame (no rate change) shrunk to width x height grey, as an array (frames, height, width)."""
    scale = f"scale={width}:{height}:flags=area,format=gray"
    args = ["-i", str(path), "-an", "-vf", scale, "-fps_mode", "passthrough", "-f", "rawvideo", "-"]
    done = _run(args, what=f"decoding the picture of {path.name}", text=False)
    frames = np.frombuffer(done.stdout, dtype=np.uint8)
    return frames.reshape(-1, height, width)


def measure_loudness(path: Path) -> Loudness:
    """Integrated loudness and true peak of the sound, by ffmpeg's ebur128 filter (peak=true)."""
    done = _run(["-i", str(path), "-vn", "-af", "ebur128=peak=true", "-f", "null", "-"], what="measuring loudness")
    summary = done.stderr[done.stderr.rfind("Summary:") :]
    integrated, peak = _INTEGRATED.search(summary), _TRUE_PEAK.search(summary)
    if integrated is None or peak is None:
        raise MediaError(f"ebur128 printed no summary: {stderr_tail(done.stderr, 3)}")
    return Loudness(integrated_lufs=float(integrated.group(1)), true_peak_dbtp=float(peak.group(1)))
