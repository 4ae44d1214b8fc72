"""metadata.json carries what the quality check needs: the plan, each shot's footage and how far it is upscaled."""

from pathlib import Path

import pytest

from services.models import MediaAsset, RenderedVideo, Scene, Timeline, TimelineClip
from services.publish.metadata import video_metadata


def _asset(provider: str, width: int, height: int, **extra: object) -> MediaAsset:
    return MediaAsset(
        scene_index=0,
        provider=provider,
        kind="video" if extra.get("duration_s") else "image",
        asset_id=f"{provider}-{width}",
        source_url=f"https://example.test/{width}",
        width=width,
        height=height,
        **extra,
    )


def _timeline() -> Timeline:
    first = TimelineClip(
        scene=Scene(index=0, narration="Stars are born in clouds.", visual_query="nebula", duration_s=9),
        asset=_asset("pexels", 451, 300, score=0.8, duration_s=4.0),
        extra_assets=[_asset("pixabay", 1080, 1920, score=0.6), _asset("local", 540, 960, score=0.5)],
        start_s=0,
    )
    second = TimelineClip(
        scene=Scene(index=1, narration="They burn for ages.", visual_query="star", duration_s=4),
        asset=_asset("generated", 1080, 1920),
        start_s=8.5,
    )
    return Timeline(
        title="Stars",
        description="About stars",
        language="en",
        width=1080,
        height=1920,
        transition_s=0.5,
        clips=[first, second],
        mood="dramatic",
        target_duration_s=12.0,
        caption_style="shorts",
        music="none",
    )


def test_metadata_records_plan_shots_upscale_and_fallbacks(tmp_path: Path) -> None:
    video = RenderedVideo(
        path=tmp_path / "v.mp4", duration_s=12.5, width=1080, height=1920, sha256="0" * 64, thumbnail_path=tmp_path
    )
    meta = video_metadata(video, _timeline())

    assert meta["target_duration_s"] == 12.0
    assert meta["frame"] == {"width": 1080, "height": 1920, "fps": 30, "transition_s": 0.5}
    assert (meta["caption_style"], meta["music"], meta["mood"]) == ("shorts", "none", "dramatic")
    first, second = meta["scenes"]
    assert first["media"]["upscale"] == pytest.approx(6.4, abs=0.001)  # 1920 / 300
    assert first["media"]["duration_s"] == 4.0 and first["media"]["width"] == 451
    assert [m["upscale"] for m in first["extra_media"]] == [1.0, 2.0]
    assert [m["provider"] for m in first["extra_media"]] == ["pixabay", "local"]
    assert [s["start_s"] for s in first["shots"]] == [0.0, 3.0, 6.0]
    assert all(s["duration_s"] == 3.0 for s in first["shots"])
    assert not first["generated_fallback"] and second["generated_fallback"]
    assert second["extra_media"] == [] and second["shots"] == [{"start_s": 8.5, "duration_s": 4.0}]
    assert first["media"]["score"] == 0.8 and first["media"]["source_url"] == "https://example.test/451"
