"""Filtering and ranking stock candidates: right orientation, big enough, long enough, closest in meaning."""

import math
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel

from services.embeddings import Embedder, cosine
from services.exceptions import MediaError, ProviderResponseError
from services.models import FRAME_SIZES, Aspect, MediaAsset, Scene, Storyboard

MAX_UPSCALE = 2.0
"""A candidate must cover the frame when scaled up by at most this much (960x540 is enough for 1080p)."""
QUERY_WEIGHT = 0.75
"""The visual query says what to show; the narration (often in another language) only nudges."""
MAX_SQUARE_RATIO = 2.0
"""For a square frame any orientation is cropped to the centre, but not a panorama."""


Fetch = Callable[[MediaAsset], MediaAsset]


class Candidate(BaseModel):
    """A provider's hit before ranking: the asset (not downloaded yet) and the words that describe it."""

    asset: MediaAsset
    words: str


class CandidateSource(Protocol):
    """One stock site's search API: a query in, unranked candidates out; raises ProviderError on failure."""

    name: str

    def candidates(self, query: str, *, aspect: Aspect, scene_index: int, limit: int) -> list[Candidate]: ...


def orientation(aspect: Aspect) -> str:
    """'landscape', 'portrait' or 'square': the wording most stock APIs use."""
    width, height = FRAME_SIZES[aspect]
    return "landscape" if width > height else "portrait" if height > width else "square"


def upscale_factor(asset: MediaAsset, frame: tuple[int, int]) -> float:
    """How much the asset must be scaled up to cover the frame (1.0 or less: no upscale; inf: size unknown)."""
    if asset.width <= 0 or asset.height <= 0:
        return math.inf
    return max(frame[0] / asset.width, frame[1] / asset.height)


def fits(asset: MediaAsset, *, aspect: Aspect, min_duration_s: float) -> bool:
    """Right orientation, big enough to fill the frame, and (for videos) at least as long as the scene."""
    frame_w, frame_h = FRAME_SIZES[aspect]
    if asset.width <= 0 or asset.height <= 0:
        return False
    ratio = asset.width / asset.height
    wanted = orientation(aspect)
    if wanted == "landscape" and ratio <= 1.0 or wanted == "portrait" and ratio >= 1.0:
        return False
    if wanted == "square" and not 1 / MAX_SQUARE_RATIO <= ratio <= MAX_SQUARE_RATIO:
        return False
    if upscale_factor(asset, (frame_w, frame_h)) > MAX_UPSCALE:
        return False
    return asset.kind != "video" or asset.duration_s is None or asset.duration_s >= min_duration_s


def rank(
    scene: Scene, candidates: list[Candidate], *, embedder: Embedder, aspect: Aspect, limit: int
) -> list[MediaAsset]:
    """The fitting candidates, most similar in meaning to the scene first, each carrying its score."""
    kept = [c for c in candidates if fits(c.asset, aspect=aspect, min_duration_s=scene.duration_s)]
    if not kept:
        return []
    query, narration, *described = embedder.embed([scene.visual_query, scene.narration, *[c.words for c in kept]])
    scored = [
        (QUERY_WEIGHT * cosine(query, vector) + (1 - QUERY_WEIGHT) * cosine(narration, vector), c.asset)
        for c, vector in zip(kept, described, strict=True)
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1].provider, pair[1].asset_id))
    return [asset.model_copy(update={"score": round(score, 4)}) for score, asset in scored[:limit]]


class RankedProvider:
    """A MediaProvider made of a stock site's search and the project's embedder."""

    def __init__(self, source: CandidateSource, *, embedder: Embedder, per_query: int = 15) -> None:
        self.name = source.name
        self.source = source
        self.embedder = embedder
        self.per_query = per_query

    def search(self, scene: Scene, *, aspect: Aspect, limit: int = 10) -> list[MediaAsset]:
        found = self.source.candidates(scene.visual_query, aspect=aspect, scene_index=scene.index, limit=self.per_query)
        return rank(scene, found, embedder=self.embedder, aspect=aspect, limit=limit)


def best_rendition(renditions: list[tuple[int, int, str]], *, aspect: Aspect) -> tuple[int, int, str] | None:
    """The smallest (width, height, url) that covers the frame, else the largest one there is."""
    if not renditions:
        return None
    frame_w, frame_h = FRAME_SIZES[aspect]
    covering = [r for r in renditions if r[0] >= frame_w and r[1] >= frame_h]
    if covering:
        return min(covering, key=lambda r: r[0] * r[1])
    return max(renditions, key=lambda r: r[0] * r[1])


def parse_items(
    provider: str, answer: Any, field: str, parse: Callable[[dict[str, Any]], Candidate | None]
) -> list[Candidate]:
    """`parse` applied to each item of `answer[field]`, unusable items (None) dropped; a bad shape is a typed error."""
    try:
        found = [parse(item) for item in answer[field]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ProviderResponseError(provider, f"unexpected answer shape ({type(exc).__name__}: {exc})") from None
    return [c for c in found if c is not None]


def checked_fetch(fetch: Fetch, storyboard: Storyboard) -> Fetch:
    """`fetch` (a download), then the size and length checks of `fits` again on what was actually downloaded.

    A search answer can describe a file other than the one we get (Depositphotos gives the original's 6000x4000 and
    no duration for a 640x360 preview). A download that would need more than MAX_UPSCALE, or a video whose length
    the search did not tell (so `fits` could not check it) and whose probed length is shorter than its scene, raises
    MediaError, so the timeline drops it and chooses again.
    """
    frame = FRAME_SIZES[storyboard.aspect]
    lengths = {scene.index: scene.duration_s for scene in storyboard.scenes}

    def fetch_checked(asset: MediaAsset) -> MediaAsset:
        got = fetch(asset)
        if asset.local_path is not None:
            return got  # a local file was measured when it was found
        where = f"{asset.provider} {asset.asset_id} (scene {asset.scene_index})"
        factor = upscale_factor(got, frame)
        if factor > MAX_UPSCALE:
            raise MediaError(
                f"{where}: the downloaded file is {got.width}x{got.height}, announced {asset.width}x{asset.height}; "
                f"covering {frame[0]}x{frame[1]} needs {factor:.1f}x, past the {MAX_UPSCALE:g}x limit"
            )
        wanted = lengths.get(asset.scene_index, 0.0)
        if got.kind == "video" and asset.duration_s is None and (got.duration_s or 0.0) < wanted:
            raise MediaError(f"{where}: the downloaded video lasts {got.duration_s or 0:.1f} s, the scene {wanted:g} s")
        return got

    return fetch_checked
