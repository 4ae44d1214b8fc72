"""Checks a local media file passes before anything opens it, and its sidecars read defensively.

Each check raises SkippedFile with a reason, so the folder's other files keep working: a FIFO named `x.jpg` would
block whoever opens it, a device file never ends, a malformed sidecar is one user's typo, and a PNG that declares
16000x16000 pixels would make the decoder allocate about a gigabyte.
"""

import json
import os
import stat
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from services.exceptions import MediaError
from services.media.image_header import image_size

MAX_PIXELS = 40_000_000
"""Default of P2V_MEDIA_MAX_PIXELS: 40 MP is more than any camera photo a video frame needs (8K is 33 MP)."""
SIDECAR_MAX_BYTES = 64 * 1024


class SkippedFile(Exception):
    """A file of the media folder that is left out, and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sidecar(BaseModel):
    """`<name>.json` beside a media file; unknown keys are ignored, known ones must have the documented types."""

    model_config = ConfigDict(extra="ignore")

    keywords: list[str | int | float] = []
    description: str = ""
    attribution: str = ""
    license: str = ""


def regular_file(path: Path) -> None:
    """SkippedFile unless `path` (after symlinks) is a regular file this process may read; stat opens nothing."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise SkippedFile(f"cannot stat it ({exc.strerror or type(exc).__name__})") from None
    if not stat.S_ISREG(info.st_mode):
        raise SkippedFile("not a regular file (a FIFO, device, socket or folder is never opened)")
    if not os.access(path, os.R_OK):
        raise SkippedFile("not readable")


def check_pixels(path: Path, max_pixels: int) -> tuple[int, int]:
    """The image's size from its header; SkippedFile when it is unreadable or larger than `max_pixels`."""
    try:
        width, height = image_size(path)
    except (OSError, MediaError) as exc:
        reason = (
            str(exc).removeprefix("[media] ") if isinstance(exc, MediaError) else f"cannot read it ({exc.strerror})"
        )
        raise SkippedFile(reason) from None
    if width * height > max_pixels:
        raise SkippedFile(f"{width}x{height} is more than {max_pixels:,} pixels")
    if width == 0 or height == 0:
        raise SkippedFile("its header declares no pixels")
    return width, height


def sidecar_text(path: Path) -> tuple[str, Sidecar]:
    """The free text of `<stem>.txt` and the fields of `<stem>.json` (empty when absent)."""
    text_path, json_path = path.with_suffix(".txt"), path.with_suffix(".json")
    text = _read_sidecar(text_path).decode("utf-8", errors="replace") if text_path.exists() else ""
    if not json_path.exists():
        return text, Sidecar()
    raw = _read_sidecar(json_path)
    try:
        return text, Sidecar.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise SkippedFile(f"sidecar {json_path.name} is malformed ({_first_line(exc)})") from None


def _read_sidecar(path: Path) -> bytes:
    try:
        regular_file(path)
    except SkippedFile as exc:
        raise SkippedFile(f"sidecar {path.name}: {exc.reason}") from None
    try:
        with path.open("rb") as handle:
            data = handle.read(SIDECAR_MAX_BYTES + 1)
    except OSError as exc:
        raise SkippedFile(f"sidecar {path.name} cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > SIDECAR_MAX_BYTES:
        raise SkippedFile(f"sidecar {path.name} is larger than {SIDECAR_MAX_BYTES // 1024} KB")
    return data


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
