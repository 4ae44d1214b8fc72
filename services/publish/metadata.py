"""The published description of a video: title, description with media credits, scenes, sources.

metadata.json also records what a quality check needs to judge the video without re-deriving the timeline: the
length asked for, the frame, caption style, music and mood, and per scene where it starts, each shot's footage
(size, length, score, how far it is upscaled), whether it fell back to a generated card, and which scenes show
pictures drawn by an image model (`ai_generated`, `ai_generated_images`; the description says so too).
"""

import math

from services.compose.music import music_credit
from services.media.openai_images import PROVIDER as OPENAI_IMAGES
from services.media.ranking import upscale_factor
from services.models import MediaAsset, RenderedVideo, Timeline, TimelineClip

DESCRIPTION_MAX_CHARS = 5000
GENERATED_PROVIDER = "generated"
AI_IMAGE_PROVIDERS: frozenset[str] = frozenset({OPENAI_IMAGES})
"""Providers whose assets are pictures drawn by an image model: labelled in the description and metadata.json."""


def credits(timeline: Timeline) -> list[str]:
    """One credit line per distinct attributed asset, in scene order."""
    lines = [f"{c.asset.attribution} ({c.asset.provider})" for c in timeline.clips if c.asset.attribution]
    return list(dict.fromkeys(lines))


def ai_image_scenes(timeline: Timeline) -> list[int]:
    """Indices of the scenes showing a picture drawn by an image model."""
    return [c.scene.index for c in timeline.clips if _is_ai(c)]


def ai_label(timeline: Timeline) -> str:
    """'AI-generated images in scenes 2, 4.' (numbered from 1, as a viewer counts), or '' when there are none."""
    numbers = [str(index + 1) for index in ai_image_scenes(timeline)]
    if not numbers:
        return ""
    plural = "s" if len(numbers) > 1 else ""
    return f"AI-generated image{plural} in scene{plural} {', '.join(numbers)}."


def _is_ai(clip: TimelineClip) -> bool:
    return any(a.provider in AI_IMAGE_PROVIDERS for a in (clip.asset, *clip.extra_assets))


def full_description(timeline: Timeline) -> str:
    credit_lines = credits(timeline)
    label = ai_label(timeline)
    text = timeline.description + (f"\n\n{label}" if label else "")
    text += "\n\nMedia credits:\n" + "\n".join(credit_lines) if credit_lines else ""
    music = music_credit(timeline.music, timeline.mood)
    return (text + (f"\n\n{music}" if music else ""))[:DESCRIPTION_MAX_CHARS]


def _upscale(asset: MediaAsset, timeline: Timeline) -> float | None:
    """How much the asset is enlarged to cover the frame; None when its size is unknown."""
    factor = upscale_factor(asset, (timeline.width, timeline.height))
    return round(factor, 3) if math.isfinite(factor) else None


def shot_times(clip: TimelineClip) -> list[tuple[float, float]]:
    """(start, duration) of each shot on the video clock: the scene split evenly among asset and extra_assets."""
    count = 1 + len(clip.extra_assets)
    length = clip.scene.duration_s / count
    return [(round(clip.start_s + i * length, 3), round(length, 3)) for i in range(count)]


def video_metadata(video: RenderedVideo, timeline: Timeline) -> dict:
    """Everything a reader of metadata.json needs to know what the video is and where its media came from."""
    return {
        "title": timeline.title,
        "description": full_description(timeline),
        "language": timeline.language,
        "duration_s": round(video.duration_s, 3),
        "target_duration_s": timeline.target_duration_s,
        "width": video.width,
        "height": video.height,
        "frame": {
            "width": timeline.width,
            "height": timeline.height,
            "fps": timeline.fps,
            "transition_s": timeline.transition_s,
        },
        "caption_style": timeline.caption_style,
        "music": timeline.music,
        "mood": timeline.mood,
        "sha256": video.sha256,
        "scenes": [_scene(c, timeline) for c in timeline.clips],
        "ai_generated_images": _ai_summary(timeline),
    }


def _ai_summary(timeline: Timeline) -> dict:
    """How many drawn pictures the video shows, in which scenes (0-based, as `scenes[].index`), by which models."""
    assets = [a for c in timeline.clips for a in (c.asset, *c.extra_assets) if a.provider in AI_IMAGE_PROVIDERS]
    return {
        "count": len(assets),
        "scenes": ai_image_scenes(timeline),
        "licenses": sorted({a.license for a in assets}),
    }


def _scene(clip: TimelineClip, timeline: Timeline) -> dict:
    return {
        "index": clip.scene.index,
        "start_s": clip.start_s,
        "duration_s": clip.scene.duration_s,
        "narration": clip.scene.narration,
        "visual_query": clip.scene.visual_query,
        "generated_fallback": clip.asset.provider == GENERATED_PROVIDER,
        "ai_generated": _is_ai(clip),
        "media": _media(clip.asset, timeline),
        "extra_media": [_media(asset, timeline) for asset in clip.extra_assets],
        "shots": [{"start_s": start, "duration_s": length} for start, length in shot_times(clip)],
    }


def _media(asset: MediaAsset, timeline: Timeline) -> dict:
    return {
        "provider": asset.provider,
        "kind": asset.kind,
        "source_url": asset.source_url,
        "attribution": asset.attribution,
        "license": asset.license,
        "score": asset.score,
        "width": asset.width,
        "height": asset.height,
        "duration_s": asset.duration_s,
        "upscale": _upscale(asset, timeline),
    }
