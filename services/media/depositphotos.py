"""Depositphotos (API v1.3, `dp_command=search`): images and videos; the key goes in the query (redacted in logs).

Search returns watermarked previews (`url_big`, `mp4`); licensing the full file is a separate paid call we do not
make. So every Depositphotos asset is an unlicensed preview: its license says so, a warning is logged when one is
offered, and `ensure_publishable` refuses a timeline holding one for any target but the local drafts folder.
The search answer's width/height are the original's, not the preview's, and videos come without a duration: both
are re-checked on the downloaded file (services.media.ranking.checked_fetch).
"""

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from services.exceptions import ProviderAuthError, ProviderResponseError, UnlicensedMedia
from services.http import ProviderHttp
from services.media.ranking import Candidate, orientation, parse_items
from services.models import Aspect, MediaAsset, Timeline

log = logging.getLogger(__name__)
LICENSE = "UNLICENSED Depositphotos preview (watermarked; offline drafts only, never published)"
PREVIEW_LICENSES = frozenset({LICENSE})
DRAFT_TARGETS = frozenset({"local"})
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
            cache_if=_succeeded,  # errors come in a 200 body and must not be reused for a day
        )
        if not isinstance(answer, dict) or answer.get("type") != "success":
            raise _failure(answer)
        found = parse_items(self.name, answer, "result", partial(_candidate, scene_index=scene_index))
        if found:
            log.warning(
                "scene %d: %d Depositphotos candidates are unlicensed watermarked previews: drafts only, a publish "
                "to anything but the local folder is refused", scene_index, len(found),
            )  # fmt: skip
        return found


def _succeeded(answer: Any) -> bool:
    return isinstance(answer, dict) and answer.get("type") == "success"


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


def unlicensed_previews(assets: Iterable[MediaAsset]) -> list[MediaAsset]:
    """The assets that are stock previews nobody licensed."""
    return [a for a in assets if a.license in PREVIEW_LICENSES]


def timeline_assets(timeline: Timeline) -> list[MediaAsset]:
    return [asset for clip in timeline.clips for asset in (clip.asset, *clip.extra_assets)]


def ensure_publishable(timeline: Timeline, target: str) -> None:
    """Refuse, before composing, to publish unlicensed previews anywhere but the local drafts folder."""
    previews = unlicensed_previews(timeline_assets(timeline))
    if not previews:
        return
    names = ", ".join(f"scene {a.scene_index}: {a.provider} {a.asset_id}" for a in previews)
    if target not in DRAFT_TARGETS:
        raise UnlicensedMedia(
            f"refusing to publish to {target}: unlicensed watermarked previews in the video ({names}); license them "
            "or drop depositphotos from P2V_MEDIA_PROVIDERS"
        )
    log.warning("DRAFT ONLY: the video holds unlicensed watermarked previews (%s); do not publish it", names)


def publishable_candidates(candidates: list[list[MediaAsset]], target: str) -> list[list[MediaAsset]]:
    """Each scene's candidates without unlicensed previews when the video is going anywhere but the drafts folder."""
    if target in DRAFT_TARGETS:
        return candidates
    kept = [[a for a in scene if a.license not in PREVIEW_LICENSES] for scene in candidates]
    dropped = sum(len(scene) for scene in candidates) - sum(len(scene) for scene in kept)
    if dropped:
        log.warning("publishing to %s: left out %d unlicensed Depositphotos previews", target, dropped)
    return kept
