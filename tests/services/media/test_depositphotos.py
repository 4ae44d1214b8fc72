"""Depositphotos search links watermarked previews: drafts only, and checked on what is really downloaded."""

import logging
from pathlib import Path

import pytest

from services.embeddings import KeywordEmbedder
from services.exceptions import MediaError, UnlicensedMedia
from services.media import GeneratedVisuals, build_cache, build_providers
from services.media.depositphotos import LICENSE, ensure_publishable, publishable_candidates
from services.media.ranking import checked_fetch
from services.models import MediaAsset, Scene, Storyboard
from services.timeline import build_timeline
from tests.conftest import fake_settings
from tests.fakes.stock_apis import FakeAPI, Item

LONG = Scene(index=0, narration="A grey sky over the sea.", visual_query="grey sky sea", duration_s=6)
SHORT = LONG.model_copy(update={"duration_s": 1.5})


def _storyboard(scene: Scene) -> Storyboard:
    return Storyboard(title="Sky", description="", language="en", aspect="16:9", scenes=[scene])


def _search(api: FakeAPI, tmp_path: Path, scene: Scene, order: str = "depositphotos") -> list[MediaAsset]:
    providers = build_providers(fake_settings(api, tmp_path, media_providers=order), embedder=KeywordEmbedder())
    return [a for p in providers for a in p.search(scene, aspect="16:9")]


def test_search_marks_every_item_as_an_unlicensed_preview_and_warns(
    fake_api: FakeAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.catalogue = [Item(1, "grey sky sea", width=6000, height=4000, preview="preview-640x360.mp4")]
    caplog.set_level(logging.WARNING)
    [asset] = _search(fake_api, tmp_path, SHORT)
    assert asset.license == LICENSE and "UNLICENSED" in asset.license and "never published" in asset.license
    assert asset.duration_s is None, "the documented search answer has no duration"
    assert "unlicensed watermarked previews" in caplog.text


def test_a_preview_smaller_than_announced_is_rejected_after_download(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.catalogue = [Item(1, "grey sky sea", width=6000, height=4000, preview="preview-640x360.mp4")]
    [asset] = _search(fake_api, tmp_path, SHORT)
    assert (asset.width, asset.height) == (6000, 4000), "ranking only knows the original's size"
    fetch = checked_fetch(build_cache(fake_settings(fake_api, tmp_path)).fetch, _storyboard(SHORT))
    with pytest.raises(MediaError, match=r"downloaded file is 640x360, announced 6000x4000.*needs 3\.0x"):
        fetch(asset)


def test_a_missing_duration_is_probed_from_the_download_and_checked(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.catalogue = [Item(1, "grey sky sea", file="video-a.mp4")]  # 960x540, 2 s long
    cache = build_cache(fake_settings(fake_api, tmp_path))
    [asset] = _search(fake_api, tmp_path, SHORT)
    got = checked_fetch(cache.fetch, _storyboard(SHORT))(asset)
    assert got.duration_s == pytest.approx(2.0, abs=0.1) and (got.width, got.height) == (960, 540)
    with pytest.raises(MediaError, match=r"lasts 2\.0 s, the scene 6 s"):
        checked_fetch(cache.fetch, _storyboard(LONG))(asset)


def test_the_timeline_drops_a_preview_failing_the_check_and_takes_the_next_candidate(
    fake_api: FakeAPI, tmp_path: Path
) -> None:
    fake_api.catalogue = [Item(1, "grey sky sea", width=6000, height=4000, preview="preview-640x360.mp4")]
    preview = _search(fake_api, tmp_path, SHORT)
    fake_api.catalogue = [Item(2, "grey sea", file="video-b.mp4")]
    other = _search(fake_api, tmp_path / "pexels", SHORT, order="pexels")
    assert preview[0].score > other[0].score, "the preview ranks first on its announced size"
    settings = fake_settings(fake_api, tmp_path)
    timeline = build_timeline(
        _storyboard(SHORT),
        [preview + other],
        visuals=GeneratedVisuals(settings.cache_dir, timeout_s=60),
        transition_s=0.5,
        fetch=checked_fetch(build_cache(settings).fetch, _storyboard(SHORT)),
    )
    assert (timeline.clips[0].asset.provider, timeline.clips[0].asset.asset_id) == ("pexels", "video:2")


def _preview(scene_index: int) -> MediaAsset:
    return MediaAsset(scene_index=scene_index, provider="depositphotos", kind="video", asset_id="video:9",
                      source_url="https://x/p.mp4", width=640, height=360, license=LICENSE)  # fmt: skip


def test_previews_are_left_out_of_a_youtube_run_and_a_timeline_holding_one_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    licensed = _preview(0).model_copy(update={"provider": "pexels", "asset_id": "video:1", "license": "Pexels"})
    candidates = [[_preview(0), licensed]]
    assert publishable_candidates(candidates, "youtube") == [[licensed]]
    assert publishable_candidates(candidates, "local") == candidates

    scene = Scene(index=0, narration="Sky.", visual_query="sky", duration_s=2)
    timeline = build_timeline(
        _storyboard(scene), [[_preview(0)]], visuals=GeneratedVisuals(Path("/nonexistent"), timeout_s=1),
        transition_s=0.5,
    )  # fmt: skip
    with pytest.raises(UnlicensedMedia, match=r"\[publish\] refusing to publish to youtube.*scene 0: depositphotos"):
        ensure_publishable(timeline, "youtube")
    caplog.set_level(logging.WARNING)
    ensure_publishable(timeline, "local")
    assert "DRAFT ONLY" in caplog.text
