"""Local media folder provider: the user's own images and videos, matched by file names and sidecars.

A file `media/red-fox-in-snow.jpg` is described by the words "red fox snow". A sidecar next to it adds words
and credits: `red-fox-in-snow.txt` (free text) or `red-fox-in-snow.json`
(`{"keywords": [...], "attribution": "...", "license": "..."}`).
"""

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from services.exceptions import MediaError
from services.ffmpeg import probe
from services.media.keywords import overlap_score, tokens
from services.models import Aspect, MediaAsset, MediaKind, Scene

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv"}


class _Described(BaseModel):
    path: Path
    kind: MediaKind
    words: set[str]
    attribution: str = ""
    license: str = ""


class LocalFolderProvider:
    """Searches a folder (recursively) for media whose words overlap the scene's visual query."""

    name = "local"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def search(self, scene: Scene, *, aspect: Aspect, limit: int = 10) -> list[MediaAsset]:
        scored = [(overlap_score(scene.visual_query, item.words), item) for item in self._catalogue()]
        ranked = sorted([(s, i) for s, i in scored if s > 0], key=lambda pair: (-pair[0], str(pair[1].path)))
        assets = []
        for score, item in ranked[:limit]:
            try:
                assets.append(_to_asset(item, scene_index=scene.index, score=score))
            except MediaError:
                continue
        return assets

    def _catalogue(self) -> list[_Described]:
        if not self.folder.is_dir():
            return []
        files = sorted(p for p in self.folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES)
        return [_describe(p) for p in files]


def _describe(path: Path) -> _Described:
    kind: MediaKind = "image" if path.suffix.lower() in IMAGE_SUFFIXES else "video"
    words = tokens(path.stem.replace("-", " "))
    attribution = license_ = ""
    text_sidecar, json_sidecar = path.with_suffix(".txt"), path.with_suffix(".json")
    if text_sidecar.is_file():
        words |= tokens(text_sidecar.read_text(encoding="utf-8", errors="replace"))
    if json_sidecar.is_file():
        meta = json.loads(json_sidecar.read_text(encoding="utf-8"))
        words |= tokens(" ".join(meta.get("keywords", [])))
        attribution, license_ = meta.get("attribution", ""), meta.get("license", "")
    return _Described(path=path, kind=kind, words=words, attribution=attribution, license=license_)


@lru_cache(maxsize=4096)
def _probe_cached(path: Path, mtime_ns: int):  # noqa: ANN202 - cache key includes mtime
    return probe(path)


def _to_asset(item: _Described, *, scene_index: int, score: float) -> MediaAsset:
    info = _probe_cached(item.path, item.path.stat().st_mtime_ns)
    return MediaAsset(
        scene_index=scene_index,
        provider="local",
        kind=item.kind,
        asset_id=str(item.path.resolve()),
        source_url=item.path.resolve().as_uri(),
        local_path=item.path.resolve(),
        width=info.width,
        height=info.height,
        duration_s=info.duration_s if item.kind == "video" else None,
        attribution=item.attribution,
        license=item.license or "user-supplied",
        score=round(score, 4),
    )
