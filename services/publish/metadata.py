"""The published description of a video: title, description with media credits, scenes, sources."""

from services.models import RenderedVideo, Timeline

DESCRIPTION_MAX_CHARS = 5000


def credits(timeline: Timeline) -> list[str]:
    """One credit line per distinct attributed asset, in scene order."""
    lines = [f"{c.asset.attribution} ({c.asset.provider})" for c in timeline.clips if c.asset.attribution]
    return list(dict.fromkeys(lines))


def full_description(timeline: Timeline) -> str:
    credit_lines = credits(timeline)
    text = timeline.description + ("\n\nMedia credits:\n" + "\n".join(credit_lines) if credit_lines else "")
    return text[:DESCRIPTION_MAX_CHARS]


def video_metadata(video: RenderedVideo, timeline: Timeline) -> dict:
    """Everything a reader of metadata.json needs to know what the video is and where its media came from."""
    return {
        "title": timeline.title,
        "description": full_description(timeline),
        "language": timeline.language,
        "duration_s": round(video.duration_s, 3),
        "width": video.width,
        "height": video.height,
        "sha256": video.sha256,
        "scenes": [
            {
                "index": c.scene.index,
                "start_s": c.start_s,
                "duration_s": c.scene.duration_s,
                "narration": c.scene.narration,
                "visual_query": c.scene.visual_query,
                "media": {
                    "provider": c.asset.provider,
                    "kind": c.asset.kind,
                    "source_url": c.asset.source_url,
                    "attribution": c.asset.attribution,
                    "license": c.asset.license,
                    "score": c.asset.score,
                },
            }
            for c in timeline.clips
        ],
    }
