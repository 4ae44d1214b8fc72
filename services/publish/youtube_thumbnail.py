"""The custom thumbnail as thumbnails.set accepts it: JPEG or PNG, at most 2 MB.

The composer already writes a 1280x720 JPEG under 2 MB; a thumbnail replaced by hand or made by an older
version may not be, so it is re-encoded smaller here, and skipped with a warning when even that is too big.
"""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ffmpeg

from services.exceptions import ComposeError
from services.ffmpeg import run_ffmpeg

log = logging.getLogger(__name__)
MAX_BYTES = 2 * 1024 * 1024  # thumbnails.set: "maximum file size: 2MB"
SMALLER = ((1280, 4), (1280, 12), (854, 20))  # (width, ffmpeg JPEG -q:v) tried in turn
TIMEOUT_S = 60.0


def mimetype(path: Path) -> str | None:
    """image/jpeg or image/png from the file's magic bytes; None for anything thumbnails.set would refuse."""
    head = path.read_bytes()[:8]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


@contextmanager
def fitting_thumbnail(path: Path) -> Iterator[tuple[Path, str] | None]:
    """(file, mimetype) of the thumbnail within YouTube's limits, or None (with a warning) when it cannot be."""
    if not path.is_file():
        log.warning("no thumbnail at %s; the video keeps YouTube's automatic one", path)
        yield None
        return
    kind = mimetype(path)
    if kind is not None and path.stat().st_size <= MAX_BYTES:
        yield path, kind
        return
    with tempfile.TemporaryDirectory(prefix="p2v-thumb-") as folder:
        yield _reencoded(path, Path(folder) / "thumbnail.jpg")


def _reencoded(source: Path, target: Path) -> tuple[Path, str] | None:
    size = source.stat().st_size
    for width, quality in SMALLER:
        stream = ffmpeg.input(str(source)).filter("scale", width, -2)
        args = ffmpeg.output(stream, str(target), vframes=1, f="image2", update=1, **{"q:v": quality}).get_args()
        try:
            run_ffmpeg(args, timeout_s=TIMEOUT_S, what="shrinking the thumbnail")
        except ComposeError as exc:
            log.warning("the thumbnail (%d bytes) could not be re-encoded (%s); not setting it", size, exc)
            return None
        if target.stat().st_size <= MAX_BYTES:
            log.info("thumbnail re-encoded from %d to %d bytes (YouTube's limit is 2 MB)", size, target.stat().st_size)
            return target, "image/jpeg"
    log.warning("the thumbnail stays over 2 MB after re-encoding; the video keeps YouTube's automatic one")
    return None
