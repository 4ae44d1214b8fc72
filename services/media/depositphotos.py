"""Depositphotos (API v1.3, `dp_command=search`): images and videos; the key goes in the query (redacted in logs).

Search returns previews (`url_big`, `mp4`); licensing the full file is a separate paid call we do not make, so the
asset keeps the item page and author as its attribution and the license is marked as needing a purchase.
"""

from functools import partial
from typing import Any

from services.exceptions import ProviderAuthError, ProviderResponseError
from services.http import ProviderHttp
from services.media.ranking import Candidate, orientation, parse_items
from services.models import Aspect, MediaAsset

LICENSE = "Depositphotos preview (license the item before publishing)"
SORT_BEST_MATCH = 1
_ORIENTATION = {"landscape": "horizontal", "portrait": "vertical", "square": "square"}


class DepositphotosSource:
    name = "depositphotos"

    def __init__(self, http: ProviderHttp, *, api_key: str, base_url: str) -> None:
        self.http = http
        self._key = api_key
        self.base_url = base_url.rstrip("/")

    def candidates(self, query: str, *, aspect: Aspect, scene_index: int, limit: int) -> list[Candidate]:
        answer = self.http.get_json(
            f"{self.base_url}/",
            params={
                "dp_command": "search",
                "dp_apikey": self._key,
                "dp_search_query": query,
                "dp_search_limit": limit,
                "dp_search_sort": SORT_BEST_MATCH,
                "dp_search_orientation": _ORIENTATION[orientation(aspect)],
                "dp_search_photo": "true",
                "dp_search_video": "true",
                "dp_search_vector": "false",
                "dp_full_info": "true",
            },
        )
        if not isinstance(answer, dict) or answer.get("type") != "success":
            raise _failure(answer)
        return parse_items(self.name, answer, "result", partial(_candidate, scene_index=scene_index))


def _failure(answer: Any) -> Exception:
    """Depositphotos reports errors in a 200 body: {"type": "failure", "error": {"errormsg": ...}}."""
    error = answer.get("error") if isinstance(answer, dict) else None
    message = str((error or {}).get("errormsg", "")) if isinstance(error, dict) else ""
    if "key" in message.lower():
        return ProviderAuthError(
            "depositphotos", f"the API key was refused ({message[:120]}); check DEPOSITPHOTOS_API_KEY"
        )
    return ProviderResponseError("depositphotos", f"search failed: {message[:120] or 'no result in the answer'}")


def _candidate(item: dict[str, Any], *, scene_index: int) -> Candidate:
    is_video = item.get("itype") == "video" or bool(item.get("mp4"))
    duration = item.get("duration")
    asset = MediaAsset(
        scene_index=scene_index,
        provider="depositphotos",
        kind="video" if is_video else "image",
        asset_id=f"{item.get('itype', 'image')}:{item['id']}",
        source_url=item["mp4"] if is_video else item.get("url_max_qa") or item["url_big"],
        width=int(item["width"]),
        height=int(item["height"]),
        duration_s=float(duration) if is_video and duration else None,
        attribution=f"{item.get('username', '')} / Depositphotos: {item.get('itemurl', '')}",
        license=LICENSE,
    )
    return Candidate(asset=asset, words=f"{item.get('title', '')} {item.get('description', '')}".strip())
