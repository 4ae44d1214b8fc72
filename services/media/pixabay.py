"""Pixabay (https://pixabay.com/api/docs/): videos and images; the key goes in the query string (redacted in logs).

Pixabay asks for credit where possible; the attribution is printed in the published description.
"""

from functools import partial
from typing import Any

from services.http import ProviderHttp
from services.media.ranking import Candidate, best_rendition, orientation, parse_items
from services.models import Aspect, MediaAsset

LICENSE = "Pixabay Content License"
LARGE_IMAGE_MAX_SIDE = 1280  # largeImageURL is scaled to at most 1280 px on its long side
QUERY_MAX_CHARS = 100
_ORIENTATION = {"landscape": "horizontal", "portrait": "vertical", "square": "all"}


class PixabaySource:
    name = "pixabay"

    def __init__(self, http: ProviderHttp, *, api_key: str, base_url: str) -> None:
        self.http = http
        self._key = api_key
        self.base_url = base_url.rstrip("/")

    def candidates(self, query: str, *, aspect: Aspect, scene_index: int, limit: int) -> list[Candidate]:
        common = {"key": self._key, "q": query[:QUERY_MAX_CHARS], "per_page": max(3, limit), "safesearch": "true"}
        videos = self.http.get_json(f"{self.base_url}/videos/", params=common)
        images = self.http.get_json(
            f"{self.base_url}/",
            params={**common, "image_type": "photo", "orientation": _ORIENTATION[orientation(aspect)]},
        )
        return [
            *parse_items(self.name, videos, "hits", partial(_video, aspect=aspect, scene_index=scene_index)),
            *parse_items(self.name, images, "hits", partial(_image, scene_index=scene_index)),
        ]


def _video(hit: dict[str, Any], *, aspect: Aspect, scene_index: int) -> Candidate | None:
    renditions = [
        (int(v["width"]), int(v["height"]), v["url"]) for v in hit["videos"].values() if v.get("url") and v.get("width")
    ]
    chosen = best_rendition(renditions, aspect=aspect)
    if chosen is None:
        return None
    width, height, url = chosen
    asset = MediaAsset(
        scene_index=scene_index,
        provider="pixabay",
        kind="video",
        asset_id=f"video:{hit['id']}",
        source_url=url,
        width=width,
        height=height,
        duration_s=float(hit["duration"]),
        attribution=f"Video by {hit.get('user', '')} from Pixabay: {hit.get('pageURL', '')}",
        license=LICENSE,
    )
    return Candidate(asset=asset, words=hit.get("tags", ""))


def _image(hit: dict[str, Any], *, scene_index: int) -> Candidate:
    width, height = int(hit["imageWidth"]), int(hit["imageHeight"])
    scale = min(1.0, LARGE_IMAGE_MAX_SIDE / max(width, height))
    asset = MediaAsset(
        scene_index=scene_index,
        provider="pixabay",
        kind="image",
        asset_id=f"image:{hit['id']}",
        source_url=hit["largeImageURL"],
        width=round(width * scale),
        height=round(height * scale),
        attribution=f"Image by {hit.get('user', '')} from Pixabay: {hit.get('pageURL', '')}",
        license=LICENSE,
    )
    return Candidate(asset=asset, words=hit.get("tags", ""))
