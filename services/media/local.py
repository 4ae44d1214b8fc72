"""Local media folder provider: the user's own images and videos, matched to a scene by meaning.

A file `media/red-fox-in-snow.jpg` is described by the words "red fox in snow". A sidecar next to it adds words
and credits: `red-fox-in-snow.txt` (free text) or `red-fox-in-snow.json`
(`{"keywords": [...], "description": "...", "attribution": "...", "license": "..."}`).

A file's relevance to a scene combines two signals, each weighting the visual query over the narration:
similarity of meaning (the project's embedder) and stemmed word overlap (so inflections match across languages
MiniLM knows badly). A file weak on both is no candidate, so the scene falls back to a card instead of random
footage; generic words such as "calm" or "wide shot" count in neither signal.

One bad file never costs the folder: a file that is not a regular file (FIFO, device, socket), cannot be read, has a
malformed sidecar or declares more pixels than the cap is skipped with a warning naming it (see local_files.py).
"""

import logging
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from services.embeddings import Embedder, KeywordEmbedder, cosine
from services.exceptions import MediaError
from services.ffmpeg import probe
from services.media.keywords import coverage, stems, strip_generic
from services.media.local_files import MAX_PIXELS, SkippedFile, check_pixels, regular_file, sidecar_text
from services.media.ranking import QUERY_WEIGHT
from services.models import Aspect, MediaAsset, MediaKind, Scene
from services.storyboard.language import detect_language

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv"}
MIN_SEMANTIC = 0.4
"""MiniLM cosine of related texts is ~0.6-0.7, of unrelated ones below 0.3 (measured on English and Spanish
scene/sidecar pairs)."""
MIN_SEMANTIC_NON_LATIN = 0.65
"""MiniLM learnt English: any two Russian texts measure 0.4-0.6 ("чёрные дыры" vs "кошка спит на диване": 0.48),
related ones ~0.7. Scripts other than Latin rely on the stemmed overlap unless the meaning is very close."""
MIN_OVERLAP = 0.3
"""Share of the visual query's content words a file must name (stemmed) when the meanings are not close."""
SEMANTIC_WEIGHT = 0.7
"""Meaning decides; overlap separates near ties and carries languages the embedder does not know."""
_NAME_NOISE = re.compile(r"\w*\d\w*")  # IMG_0001, DSC00042: camera numbering says nothing
log = logging.getLogger(__name__)


class MediaFile(BaseModel):
    """A file of the folder and the text that describes it (name words, sidecar text, keywords, description)."""

    path: Path
    kind: MediaKind
    text: str
    attribution: str = ""
    license: str = ""


class LocalFolderProvider:
    """Searches a folder (recursively) for media whose description means what the scene shows."""

    name = "local"

    def __init__(self, folder: Path, *, embedder: Embedder | None = None, max_pixels: int = MAX_PIXELS) -> None:
        self.folder = folder
        self.embedder = embedder or KeywordEmbedder()
        self.max_pixels = max_pixels
        self.skipped: dict[Path, str] = {}
        """Files left out so far, with the reason (each logged once per provider, not once per scene)."""

    def search(self, scene: Scene, *, aspect: Aspect, limit: int = 10) -> list[MediaAsset]:
        catalogue = self._catalogue()
        if not catalogue:
            return []
        scored = [(s, item) for s, item in zip(self.relevance(scene, catalogue), catalogue, strict=True) if s > 0]
        scored.sort(key=lambda pair: (-pair[0], str(pair[1].path)))
        assets = []
        for score, item in scored:
            try:
                assets.append(_to_asset(item, scene_index=scene.index, score=score, max_pixels=self.max_pixels))
            except MediaError as exc:
                self._skip(item.path, str(exc).removeprefix("[media] "))
                continue
            if len(assets) == limit:
                break
        return assets

    def relevance(self, scene: Scene, catalogue: list[MediaFile]) -> list[float]:
        """Per file, its score for the scene in [0, 1]; 0 when it is no candidate."""
        language = detect_language(scene.narration or scene.visual_query)
        floor = MIN_SEMANTIC if _latin(f"{scene.visual_query} {scene.narration}") else MIN_SEMANTIC_NON_LATIN
        query, narration = strip_generic(scene.visual_query), strip_generic(scene.narration)
        texts = [strip_generic(item.text) for item in catalogue]
        query_vector, narration_vector, *described = _embed_cached(self.embedder, [query, narration, *texts])
        scores = []
        for item, text, vector in zip(catalogue, texts, described, strict=True):
            if not text:  # "IMG_0001.jpg" without a sidecar says nothing: no embedding of "" may decide
                scores.append(0.0)
                continue
            meaning = cosine(query_vector, vector) if query else 0.0
            semantic = _weighted(meaning, cosine(narration_vector, vector) if narration else None)
            words = stems(item.text, language)
            matched = coverage(scene.visual_query, words, language)
            overlap = _weighted(matched, coverage(scene.narration, words, language) if narration else None)
            relevant = semantic >= floor or matched >= MIN_OVERLAP
            score = SEMANTIC_WEIGHT * max(semantic, 0.0) + (1 - SEMANTIC_WEIGHT) * overlap
            scores.append(round(min(score, 1.0), 4) if relevant else 0.0)
        return scores

    def _catalogue(self) -> list[MediaFile]:
        if not self.folder.is_dir():
            return []
        files = sorted(p for p in self.folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES)
        catalogue = []
        for path in files:
            try:
                catalogue.append(_describe(path, max_pixels=self.max_pixels))
            except SkippedFile as exc:
                self._skip(path, exc.reason)
        return catalogue

    def _skip(self, path: Path, reason: str) -> None:
        if path not in self.skipped:
            log.warning("local media: skipping %s: %s", path, reason)
        self.skipped[path] = reason


def _latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text if ch.isalpha())


def _weighted(query_part: float, narration_part: float | None) -> float:
    return query_part if narration_part is None else QUERY_WEIGHT * query_part + (1 - QUERY_WEIGHT) * narration_part


def _describe(path: Path, *, max_pixels: int) -> MediaFile:
    """The file's description; SkippedFile when the file or one of its sidecars must not be used."""
    kind: MediaKind = "image" if path.suffix.lower() in IMAGE_SUFFIXES else "video"
    regular_file(path)
    if kind == "image":
        check_pixels(path, max_pixels)
    parts = [_NAME_NOISE.sub(" ", path.stem.replace("-", " ").replace("_", " "))]
    words, meta = sidecar_text(path)
    parts += [words, " ".join(map(str, meta.keywords)), meta.description]
    text = " ".join(p.strip() for p in parts if p.strip())
    return MediaFile(path=path, kind=kind, text=text, attribution=meta.attribution, license=meta.license)


_vectors: dict[tuple[str, str], list[float]] = {}
_vectors_lock = threading.Lock()
_MAX_CACHED_VECTORS = 50_000


def _embed_cached(embedder: Embedder, texts: Sequence[str]) -> list[list[float]]:
    """Embeddings by (model, text): every scene's search compares against the same file descriptions."""
    with _vectors_lock:
        missing = list(dict.fromkeys(t for t in texts if (embedder.model, t) not in _vectors))
    if missing:
        fresh = embedder.embed(missing)
        with _vectors_lock:
            if len(_vectors) > _MAX_CACHED_VECTORS:
                _vectors.clear()
            _vectors.update({(embedder.model, t): v for t, v in zip(missing, fresh, strict=True)})
    with _vectors_lock:
        return [_vectors[(embedder.model, t)] for t in texts]


@lru_cache(maxsize=4096)
def _probe_cached(path: Path, mtime_ns: int):  # noqa: ANN202 - cache key includes mtime
    return probe(path)


def _to_asset(item: MediaFile, *, scene_index: int, score: float, max_pixels: int) -> MediaAsset:
    try:
        info = _probe_cached(item.path, item.path.stat().st_mtime_ns)
    except OSError as exc:
        raise MediaError(f"cannot read it ({exc.strerror or type(exc).__name__})") from None
    if info.width * info.height > max_pixels:  # a video's frame size, from its header
        raise MediaError(f"{info.width}x{info.height} is more than {max_pixels:,} pixels")
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
        score=score,
    )
