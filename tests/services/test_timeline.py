import logging
from pathlib import Path

import pytest

from services.compose.plan import plan_render
from services.exceptions import MediaError
from services.media.generated import GeneratedVisuals
from services.media.local import LocalFolderProvider
from services.models import MediaAsset, NarrationAudio, Scene, Storyboard
from services.timeline import build_timeline, choose_assets, shots_for
from tests.media_checks import make_still


def _asset(scene: int, asset_id: str, score: float, size: tuple[int, int] = (100, 100)) -> MediaAsset:
    return MediaAsset(
        scene_index=scene,
        provider="local",
        kind="image",
        asset_id=asset_id,
        source_url=f"file:///{asset_id}",
        width=size[0],
        height=size[1],
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


def test_global_assignment_gives_the_opening_scene_its_best_match() -> None:
    """Greedy by score hands "a" to scene 1 (0.85) and leaves scene 0 with 0.3; the total is best the other way."""
    candidates = [[_asset(0, "a", 0.8), _asset(0, "b", 0.3)], [_asset(1, "a", 0.85), _asset(1, "b", 0.75)]]
    chosen = choose_assets(candidates)
    assert (chosen[0].asset_id, chosen[1].asset_id) == ("a", "b")


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


def test_a_scene_shows_no_more_than_its_narration_needs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Planned 8 s scenes with ~3 s of speech: the scenes shrink to the speech, pauses stay short."""
    scenes = [Scene(index=i, narration=f"s{i}", visual_query=f"q{i}", duration_s=8) for i in range(3)]
    board = Storyboard(title="T", description="d", language="en", aspect="16:9", scenes=scenes, target_duration_s=24)
    speech = [
        NarrationAudio(scene_index=i, path=tmp_path / f"{i}.wav", duration_s=d, voice="test")
        for i, d in enumerate([3.0, 2.5, 3.2])
    ]
    candidates = [[_asset(i, f"a{i}", 0.5, size=(1920, 1080))] for i in range(3)]
    with caplog.at_level(logging.INFO, logger="services.timeline"):
        timeline = build_timeline(
            board, candidates, visuals=GeneratedVisuals(tmp_path), transition_s=0.5, narrations=speech
        )
    durations = [c.scene.duration_s for c in timeline.clips]
    assert durations == pytest.approx([3.0 + 0.4 + 0.25, 2.5 + 0.4 + 0.5, 3.2 + 0.4 + 0.5], abs=0.02)  # half a frame
    assert all(abs(d * 30 - round(d * 30)) < 0.02 for d in durations), "scenes last whole frames"
    plan = plan_render(timeline)
    ends = [s.narration_start_s + n.duration_s for s, n in zip(plan.scenes, speech, strict=True)]
    pauses = [nxt.narration_start_s - end for nxt, end in zip(plan.scenes[1:], ends, strict=False)]
    assert all(0.3 <= p <= 0.6 for p in pauses), pauses
    assert all(end <= s.seen_alone[1] for s, end in zip(plan.scenes, ends, strict=True)), "speech over a crossfade"
    assert timeline.duration_s == pytest.approx(sum(durations) - 2 * 0.5)
    assert round(timeline.duration_s * 30) == plan.total_frames
    assert f"asked 24.0 s, got {timeline.duration_s:.1f} s" in caplog.text
    assert any(r.levelno == logging.WARNING and "asked" in r.message for r in caplog.records)


def test_long_scenes_get_more_shots_from_their_own_candidates(tmp_path: Path) -> None:
    """A 12 s scene cuts every 3-6 s; a 4 s one shows a single shot; no footage appears twice."""
    for i, words in enumerate(["red fox snow", "red fox in snow", "fox snow winter", "red fox running snow"]):
        make_still(tmp_path / "media" / f"IMG_{i}.jpg", size="1920x1080")
        (tmp_path / "media" / f"IMG_{i}.txt").write_text(words)
    provider = LocalFolderProvider(tmp_path / "media")
    scenes = [
        Scene(index=0, narration="", visual_query="red fox snow", duration_s=12),
        Scene(index=1, narration="", visual_query="red fox snow", duration_s=4),
    ]
    board = Storyboard(title="T", description="d", language="en", aspect="16:9", scenes=scenes)
    candidates = [provider.search(s, aspect="16:9") for s in scenes]
    failing = str((tmp_path / "media" / "IMG_2.jpg").resolve())

    def fetch(asset: MediaAsset) -> MediaAsset:
        if asset.asset_id == failing:
            raise MediaError("download failed")
        return asset

    timeline = build_timeline(board, candidates, visuals=GeneratedVisuals(tmp_path), transition_s=0.5, fetch=fetch)
    long_scene, short_scene = timeline.clips
    assert shots_for(12) == 3 and shots_for(4) == 1 and shots_for(6.5) == 2
    assert len(long_scene.extra_assets) == 1, "three wanted, but only two unused candidates are left after a failure"
    assert short_scene.extra_assets == []
    shown = [a.asset_id for c in timeline.clips for a in [c.asset, *c.extra_assets]]
    assert len(shown) == len(set(shown)) == 3 and failing not in shown
    best = max(candidates[0], key=lambda a: a.score)
    assert long_scene.asset.asset_id == best.asset_id or short_scene.asset.asset_id == best.asset_id


def test_footage_needing_a_big_upscale_is_used_only_when_nothing_else_fits(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    small = make_still(tmp_path / "media" / "red-fox-snow.jpg", size="451x300")
    make_still(tmp_path / "media" / "fox-in-deep-snow-winter-morning.jpg", size="1080x1920")
    scene = Scene(index=0, narration="", visual_query="red fox snow", duration_s=4)
    board = Storyboard(title="T", description="d", language="en", aspect="9:16", scenes=[scene])
    found = LocalFolderProvider(tmp_path / "media").search(scene, aspect="9:16")
    assert found[0].local_path == small.resolve(), "the small photo matches best"
    timeline = build_timeline(board, [found], visuals=GeneratedVisuals(tmp_path), transition_s=0.5)
    assert timeline.clips[0].asset.local_path.name == "fox-in-deep-snow-winter-morning.jpg"

    with caplog.at_level(logging.WARNING, logger="services.timeline"):
        alone = build_timeline(board, [found[:1]], visuals=GeneratedVisuals(tmp_path), transition_s=0.5)
    assert alone.clips[0].asset.local_path == small.resolve()
    assert alone.clips[0].asset.score == pytest.approx(found[0].score / 2, abs=1e-4)
    assert "scaled up 6.4x" in caplog.text


def test_one_file_offered_by_two_sites_is_shown_once(tmp_path: Path) -> None:
    """Two stock sites can serve the same clip: their downloads land on one cache file, which must not show twice."""
    same_file, other_file = make_still(tmp_path / "same.jpg"), make_still(tmp_path / "other.jpg", colour="blue")
    offered = [
        [_asset(0, "pexels-1", 0.9), _asset(0, "other", 0.2)],
        [_asset(1, "pixabay-1", 0.9)],
    ]
    downloads = {"pexels-1": same_file, "pixabay-1": same_file, "other": other_file}

    def fetch(asset: MediaAsset) -> MediaAsset:
        return asset.model_copy(update={"local_path": downloads[asset.asset_id].resolve()})

    timeline = build_timeline(
        _storyboard(2), offered, visuals=GeneratedVisuals(tmp_path), transition_s=0.5, fetch=fetch
    )
    shown = [a.local_path for c in timeline.clips for a in [c.asset, *c.extra_assets]]
    assert len(shown) == len(set(shown)) == 2
    assert same_file.resolve() in shown


def test_no_card_repeats_an_earlier_card(tmp_path: Path) -> None:
    """The opening card shows the title; a scene naming no topic used to fall back to it, word for word."""
    narrations = ["Heute geht es um Bienen.", "Auf den ersten Blick wirkt alles einfach. Wer genauer hinsieht.",
                  "Auf den ersten Blick wirkt alles einfach."]  # fmt: skip
    scenes = [Scene(index=i, narration=n, visual_query="bienen", duration_s=3) for i, n in enumerate(narrations)]
    board = Storyboard(title="Bienen", description="d", language="de", aspect="16:9", scenes=scenes)
    timeline = build_timeline(board, [[], [], []], visuals=GeneratedVisuals(tmp_path), transition_s=0.5)
    texts = [" ".join(c.asset.local_path.with_suffix(".txt").read_text().split()) for c in timeline.clips]
    assert texts[0] == "Bienen"
    assert len(set(texts)) == 3, texts
