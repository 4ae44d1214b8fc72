"""Pexels (https://www.pexels.com/api/documentation/): videos and photos; the key goes in the Authorization header.

Pexels asks for credit ("Photo by X on Pexels"); the attribution is kept and printed in the published description.
"""

import re
from functools import partial
from typing import Any

from services.http import ProviderHttp
from services.media.ranking import Candidate, best_rendition, orientation, parse_items
from services.models import FRAME_SIZES, Aspect, MediaAsset

LICENSE = "Pexels License"
_SLUG = re.compile(r"/(?:video|photo)/([a-z0-9-]+?)-?\d*/?$")


class PexelsSource:
    name = "pexels"

    def __init__(self, http: ProviderHttp, *, base_url: str) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def candidates(self, query: str, *, aspect: Aspect, scene_index: int, limit: int) -> list[Candidate]:
        params = {"query": query, "orientation": orientation(aspect), "per_page": limit}
        videos = self.http.get_json(f"{self.base_url}/videos/search", params=params)
        photos = self.http.get_json(f"{self.base_url}/v1/search", params=params)
        return [
            *parse_items(self.name, videos, "videos", partial(_video, aspect=aspect, scene_index=scene_index)),
            *parse_items(self.name, photos, "photos", partial(_photo, aspect=aspect, scene_index=scene_index)),
        ]


def _video(item: dict[str, Any], *, aspect: Aspect, scene_index: int) -> Candidate | None:
    files = [(int(f["width"]), int(f["height"]), f["link"]) for f in item["video_files"] if f.get("width")]
    chosen = best_rendition(files, aspect=aspect)
    if chosen is None:
        return None
    width, height, link = chosen
    author = (item.get("user") or {}).get("name", "")
    asset = MediaAsset(
        scene_index=scene_index,
        provider="pexels",
        kind="video",
        asset_id=f"video:{item['id']}",
        source_url=link,
        width=width,
        height=height,
        duration_s=float(item["duration"]),
        attribution=f"Video by {author} on Pexels: {item.get('url', '')}".strip(": "),
        license=LICENSE,
    )
    return Candidate(asset=asset, words=_slug_words(item.get("url", "")))


def _photo(item: dict[str, Any], *, aspect: Aspect, scene_index: int) -> Candidate:
    frame_w, frame_h = FRAME_SIZES[aspect]
    width, height = int(item["width"]), int(item["height"])
    scale = min(1.0, max(frame_w / width, frame_h / height))  # Pexels resizes on the fly; ask for just enough
    asset = MediaAsset(
        scene_index=scene_index,
        provider="pexels",
        kind="image",
        asset_id=f"photo:{item['id']}",
        source_url=f"{item['src']['original']}?auto=compress&cs=tinysrgb&w={round(width * scale)}",
        width=width,
        height=height,
        attribution=f"Photo by {item.get('photographer', '')} on Pexels: {item.get('url', '')}",
        license=LICENSE,
    )
    return Candidate(asset=asset, words=f"{item.get('alt') or ''} {_slug_words(item.get('url', ''))}".strip())


def _slug_words(page_url: str) -> str:
    """Pexels page URLs carry a title slug: /video/sea-waves-rushing-to-the-shore-1409899/."""
    match = _SLUG.search(page_url)
    return match.group(1).replace("-", " ") if match else ""
