"""The local publisher: a folder per video with video.mp4, thumbnail.jpg, captions.srt, contact_sheet.png and
metadata.json.

The video is hard-linked from the render, not copied: one file on disk under two names, so the render's cache record
stays valid (a resumed run reuses it) without a second full copy. Across filesystems it is copied and the render
removed once the publication is complete (a later run with the same inputs then renders again).
"""

import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

from services.exceptions import InvalidRequest
from services.models import Publication, RenderedVideo, Timeline
from services.partials import partial_path, remove_dead_partials
from services.publish.metadata import video_metadata


class LocalPublisher:
    """Publishes into `<output_dir>/<title-slug>-<sha256[:10]>/`; the same video always lands in the same folder."""

    target = "local"

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir

    def publish(self, video: RenderedVideo, timeline: Timeline) -> Publication:
        folder = self.output_dir / f"{slugify(timeline.title)}-{video.sha256[:10]}"
        folder.mkdir(parents=True, exist_ok=True)
        remove_dead_partials(folder)
        linked = _link_or_copy(video.path, folder / "video.mp4")
        _place(video.thumbnail_path, folder / "thumbnail.jpg")
        if video.captions_path is not None:
            _place(video.captions_path, folder / "captions.srt")
        if video.contact_sheet_path is not None:
            _place(video.contact_sheet_path, folder / "contact_sheet.png")
        metadata = json.dumps(video_metadata(video, timeline), ensure_ascii=False, indent=2)
        _write_atomically(folder / "metadata.json", metadata)
        if not linked:
            video.path.unlink(missing_ok=True)  # the published copy is the one kept
        return Publication(
            target=self.target,
            external_id=folder.name,
            url=(folder / "video.mp4").resolve().as_uri(),
            video_sha256=video.sha256,
        )


def writable_folder(folder: Path, *, field: str = "out") -> Path:
    """`folder` resolved, created if missing and probed with a file: an unwritable folder fails before any work."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".p2v-write-probe.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InvalidRequest(
            field, f"{folder} is not a writable folder ({exc.strerror or type(exc).__name__})"
        ) from None
    return folder.resolve()


def slugify(text: str, max_len: int = 60) -> str:
    """A file-name-safe slug that keeps letters of any script (Cyrillic titles stay readable)."""
    text = unicodedata.normalize("NFKC", text).lower()
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return slug[:max_len].rstrip("-_") or "video"


def _place(source: Path, target: Path) -> None:
    """Copy into place atomically (a reader never sees a half-written file)."""
    partial = partial_path(target)
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _link_or_copy(source: Path, target: Path) -> bool:
    """Place `source` at `target` atomically as a hard link (True), or as a copy where links are impossible."""
    if target.exists() and os.path.samefile(source, target):
        return True  # published before (rename would keep the partial: both names are one file)
    partial = partial_path(target)
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)
    except OSError:  # another filesystem, or one without hard links
        shutil.copyfile(source, partial)
        os.replace(partial, target)
        return False
    os.replace(partial, target)
    return True


def _write_atomically(target: Path, text: str) -> None:
    partial = partial_path(target)
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
