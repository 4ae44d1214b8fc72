"""Running the ffmpeg binary that imageio-ffmpeg ships, and reading media facts without ffprobe."""

import re
import subprocess
from functools import lru_cache
from pathlib import Path

import imageio_ffmpeg
from pydantic import BaseModel

from services.exceptions import ComposeError, MediaError

STDERR_TAIL_LINES = 15
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO_SIZE = re.compile(r"Stream #.*Video: .*?(\d{2,5})x(\d{2,5})")
_AUDIO_STREAM = re.compile(r"Stream #.*Audio: ")


_IMAGE2_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


def literal_input(path: Path | str) -> dict[str, str]:
    """ffmpeg input options that open `path` by its literal name.

    A '%' in an image's name makes ffmpeg's image2 demuxer read it as a sequence pattern (`shot%d.png` opens
    shot1.png, shot2.png, ...); naming the demuxer with pattern_type none opens exactly that file. Other names keep
    content probing (a PNG saved as .jpg still decodes, which forcing image2 would break).
    """
    name = Path(path).name
    if "%" in name and Path(name).suffix.lower() in _IMAGE2_SUFFIXES:
        return {"f": "image2", "pattern_type": "none"}
    return {}


def literal_input_args(path: Path | str) -> list[str]:
    """`literal_input` as command-line arguments, followed by `-i path`."""
    options = [part for key, value in literal_input(path).items() for part in (f"-{key}", value)]
    return [*options, "-i", str(path)]


class MediaInfo(BaseModel):
    width: int
    height: int
    duration_s: float | None
    has_audio: bool


@lru_cache
def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg binary (no system ffmpeg needed)."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def stderr_tail(stderr: str, lines: int = STDERR_TAIL_LINES) -> str:
    return "\n".join(stderr.strip().splitlines()[-lines:])


def run_ffmpeg(args: list[str], *, timeout_s: float, what: str) -> str:
    """Run ffmpeg with a hard timeout; return stderr, raise ComposeError naming `what` on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        partial = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
        raise ComposeError(
            f"{what}: ffmpeg ran past its {timeout_s:g} s timeout and was killed",
            returncode=None,
            stderr_tail=stderr_tail(partial),
        ) from None
    if done.returncode != 0:
        raise ComposeError(f"{what} failed", returncode=done.returncode, stderr_tail=stderr_tail(done.stderr))
    return done.stderr


def probe(path: Path, timeout_s: float = 60) -> MediaInfo:
    """Size, duration and audio presence of a media file, read from `ffmpeg -i`.

    A file that never delivers its header (a FIFO, a stalled network mount) is a MediaError after `timeout_s`,
    so callers that skip unreadable media skip it too instead of failing on a bare TimeoutExpired.
    """
    try:
        done = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", *literal_input_args(path)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        raise MediaError(f"cannot read {path.name}: no answer within {timeout_s:g} s") from None
    size = _VIDEO_SIZE.search(done.stderr)
    if size is None:
        raise MediaError(f"cannot read {path.name}: no video or image stream ({stderr_tail(done.stderr, 2)})")
    duration = _DURATION.search(done.stderr)
    seconds = None
    if duration:
        h, m, s = duration.groups()
        seconds = int(h) * 3600 + int(m) * 60 + float(s)
    return MediaInfo(
        width=int(size.group(1)),
        height=int(size.group(2)),
        duration_s=seconds,
        has_audio=bool(_AUDIO_STREAM.search(done.stderr)),
    )
