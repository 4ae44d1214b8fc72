"""The YouTube video resource we send: snippet from the timeline, explicit status, our content-hash marker."""

import re

from services.models import RenderedVideo, Timeline
from services.publish.metadata import AI_IMAGE_PROVIDERS, full_description
from services.youtube_settings import YouTubeSettings

TITLE_MAX_CHARS = 100  # videos.insert: snippet.title, at most 100 characters
DESCRIPTION_MAX_BYTES = 5000  # videos.insert: snippet.description, at most 5000 bytes (UTF-8), not characters
TAGS_MAX_CHARS = 500  # YouTube counts a tag with a space as if it were quoted (+2)
TAG_MAX_CHARS = 30
_ANGLES = str.maketrans({"<": "‹", ">": "›"})  # YouTube rejects < and > in titles and descriptions
SYNTHETIC_PROVIDERS: frozenset[str] = AI_IMAGE_PROVIDERS
"""Media providers whose assets are generated realistic imagery: the image model's pictures (the generated title
cards are plain text cards, which YouTube's disclosure does not cover). `synthetic_media=auto` discloses when a
clip comes from one."""


def marker(video_sha256: str) -> str:
    """Our mark on an upload (a tag and the description's last line), found again after a crash."""
    return f"p2v-{video_sha256[:16]}"


def title(timeline: Timeline) -> str:
    text = " ".join(timeline.title.translate(_ANGLES).split())
    if len(text) > TITLE_MAX_CHARS:
        text = text[: TITLE_MAX_CHARS - 1].rstrip() + "…"
    return text or "Untitled video"


def cut_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` whose UTF-8 encoding fits in `max_bytes` (never half a character)."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def description(timeline: Timeline, mark: str) -> str:
    """The published description (with media credits), cut to YouTube's 5000 bytes, ending in the marker line."""
    tail = f"\n\n{mark}"
    body = full_description(timeline).translate(_ANGLES)
    return cut_utf8(body, DESCRIPTION_MAX_BYTES - len(tail.encode("utf-8"))) + tail


def contains_synthetic_media(timeline: Timeline, setting: str) -> bool:
    if setting != "auto":
        return setting == "true"
    return any(a.provider in SYNTHETIC_PROVIDERS for c in timeline.clips for a in (c.asset, *c.extra_assets))


def tags(timeline: Timeline, extra: list[str], mark: str) -> list[str]:
    """The marker, the configured tags, then the scenes' visual queries, within YouTube's 500-char budget."""
    wanted = [mark, *extra, *(c.scene.visual_query for c in timeline.clips)]
    chosen: list[str] = []
    used = 0
    for raw in wanted:
        tag = re.sub(r"[<>,\"]", " ", raw)
        tag = " ".join(tag.split())[:TAG_MAX_CHARS].strip()
        cost = len(tag) + (2 if " " in tag else 0) + (1 if chosen else 0)
        if not tag or tag.lower() in {t.lower() for t in chosen} or used + cost > TAGS_MAX_CHARS:
            continue
        chosen.append(tag)
        used += cost
    return chosen


def video_resource(video: RenderedVideo, timeline: Timeline, settings: YouTubeSettings) -> dict:
    """The `videos.insert` body; `selfDeclaredMadeForKids` and `containsSyntheticMedia` are always sent."""
    mark = marker(video.sha256)
    return {
        "snippet": {
            "title": title(timeline),
            "description": description(timeline, mark),
            "tags": tags(timeline, settings.tags, mark),
            "categoryId": settings.category_id,
            "defaultLanguage": timeline.language,
            "defaultAudioLanguage": timeline.language,
        },
        "status": {
            "privacyStatus": settings.privacy_status,
            "selfDeclaredMadeForKids": settings.made_for_kids,
            "containsSyntheticMedia": contains_synthetic_media(timeline, settings.synthetic_media),
        },
    }
