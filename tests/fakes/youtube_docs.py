"""What the public YouTube Data API and Google OAuth docs say, as rules the fake server applies.

Written from developers.google.com/youtube/v3 (videos.insert, thumbnails.set, "Resumable uploads", "Quota costs")
and Google's OAuth 2.0 docs / RFC 6749, not from our client: the fake refuses what YouTube refuses.
"""

UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"
READONLY_SCOPE = "https://www.googleapis.com/auth/youtube.readonly"
CHUNK_QUANTUM = 256 * 1024  # every chunk but the last is a multiple of 256 KiB
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024  # thumbnails.set: "Maximum file size: 2MB"
THUMBNAIL_TYPES = frozenset({"image/jpeg", "image/png", "application/octet-stream"})
QUOTA_COSTS = {  # units per call, from the quota cost table (videos.insert: 1600 in the 2024 docs)
    "videos.insert": 1600,
    "thumbnails.set": 50,
    "channels.list": 1,
    "playlistItems.list": 1,
}


def video_resource_error(resource: dict) -> tuple[str, str] | None:
    """(reason, message) of the 400 videos.insert returns for this resource, or None when it is acceptable."""
    snippet = resource.get("snippet", {})
    title = snippet.get("title", "")
    if not title or len(title) > 100 or "<" in title or ">" in title:
        return "invalidTitle", "The request metadata specifies an invalid video title."
    description = snippet.get("description", "")
    if len(description.encode("utf-8")) > 5000 or "<" in description or ">" in description:
        return "invalidDescription", "The request metadata specifies an invalid video description."
    tags = snippet.get("tags", [])
    if sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1) > 500:
        return "invalidTags", "The request metadata specifies invalid video keywords."
    status = resource.get("status", {})
    for field in ("selfDeclaredMadeForKids", "containsSyntheticMedia"):
        if field in status and not isinstance(status[field], bool):
            return "invalidVideoMetadata", f"status.{field} must be a boolean."
    return None


def refresh_scope_error(asked: str | None, granted: tuple[str, ...]) -> bool:
    """RFC 6749 section 6: a refresh may not ask for a scope the user did not grant (invalid_scope)."""
    return asked is not None and not set(asked.split()) <= set(granted)
