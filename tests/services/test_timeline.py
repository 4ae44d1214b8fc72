from pathlib import Path

import pytest

from services.media.generated import GeneratedVisuals
from services.models import MediaAsset, NarrationAudio, Scene, Storyboard
from services.timeline import build_timeline, choose_assets


def _asset(scene: int, asset_id: str, score: float) -> MediaAsset:
    return MediaAsset(
        scene_index=scene,
        provider="local",
        kind="image",
        asset_id=asset_id,
        source_url=f"file:///{asset_id}",
        width=100,
        height=100,
        score=score,
    )


def _storyboard(n: int) -> Storyboard:
    scenes = [Scene(index=i, narration=f"scene {i}", visual_query=f"query {i}", duration_s=3) for i in range(n)]
    return Storyboard(title="T", description="d", language="en", aspect="16:9", scenes=scenes)


def test_an_asset_is_never_used_twice_when_others_exist() -> None:
    shared = [_asset(0, "a", 0.9), _asset(0, "b", 0.5)], [_asset(1, "a", 0.95), _asset(1, "c", 0.4)]
    chosen = choose_assets(list(shared))
    assert chosen[1].asset_id == "a"
    assert chosen[0].asset_id == "b"


def test_scene_whose_only_candidate_is_taken_gets_nothing() -> None:
    chosen = choose_assets([[_asset(0, "a", 0.9)], [_asset(1, "a", 0.8)]])
    assert set(chosen) == {0}


def test_timeline_fills_gaps_with_distinct_generated_visuals(tmp_path: Path) -> None:
    board = _storyboard(3)
    timeline = build_timeline(
        board, [[], [_asset(1, "x", 0.7)], []], visuals=GeneratedVisuals(tmp_path), transition_s=0.5
    )
    providers = [c.asset.provider for c in timeline.clips]
    assert providers == ["generated", "local", "generated"]
    generated = [c.asset for c in timeline.clips if c.asset.provider == "generated"]
    assert generated[0].asset_id != generated[1].asset_id
    assert all(a.local_path.is_file() and (a.width, a.height) == (1920, 1080) for a in generated)
    assert [c.start_s for c in timeline.clips] == [0.0, 2.5, 5.0]
    assert timeline.duration_s == pytest.approx(8.0)


def test_scenes_stretch_to_their_narration(tmp_path: Path) -> None:
    board = _storyboard(2)
    speech = NarrationAudio(scene_index=1, path=tmp_path / "n.wav", duration_s=4.0, voice="test")
    timeline = build_timeline(
        board, [[], []], visuals=GeneratedVisuals(tmp_path), transition_s=0.5, narrations=[None, speech]
    )
    assert timeline.clips[0].scene.duration_s == 3
    assert timeline.clips[1].scene.duration_s == pytest.approx(4.0 + 0.4 + 0.5)
    assert timeline.clips[1].narration == speech
