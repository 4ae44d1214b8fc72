"""A rendered video and its timeline for publisher tests (the bytes need not be a real MP4)."""

import hashlib
import random
from pathlib import Path

from services.models import MediaAsset, RenderedVideo, Scene, Timeline, TimelineClip


def timeline(title: str = "Космос и звёзды: a tour") -> Timeline:
    clips = []
    for index, (query, credit) in enumerate([("night sky stars", "Photo by Ann"), ("rocket launch", "")]):
        asset = MediaAsset(
            scene_index=index,
            provider="local",
            kind="image",
            asset_id=f"a{index}",
            source_url=f"file:///a{index}.jpg",
            width=1,
            height=1,
            attribution=credit,
        )
        scene = Scene(index=index, narration=f"Scene {index}", visual_query=query, duration_s=2)
        clips.append(TimelineClip(scene=scene, asset=asset, start_s=2 * index))
    return Timeline(
        title=title,
        description="A short tour of the night sky.",
        language="ru",
        width=1920,
        height=1080,
        transition_s=0,
        clips=clips,
    )


def rendered_video(folder: Path, *, size: int = 1_000_000, seed: int = 1) -> RenderedVideo:
    """`size` pseudo-random bytes (distinct per seed, so distinct content hashes) and a small thumbnail."""
    folder.mkdir(parents=True, exist_ok=True)
    data = random.Random(seed).randbytes(size)
    (folder / "video.mp4").write_bytes(data)
    (folder / "thumbnail.jpg").write_bytes(b"\xff\xd8\xff\xe0fake-jpeg" + bytes([seed % 256]) * 100)
    return RenderedVideo(
        path=folder / "video.mp4",
        duration_s=4,
        width=1920,
        height=1080,
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnail_path=folder / "thumbnail.jpg",
    )
