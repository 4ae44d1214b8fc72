"""The frame plan, caption timing, transition choice and music choice, without rendering."""

from pathlib import Path

import pytest

from services.compose import Composer
from services.compose.audio import choose_music
from services.compose.captions import caption_cues, write_srt
from services.compose.plan import NARRATION_LEAD_S, plan_render
from services.compose.visuals import MIXED_CYCLE, transition_for
from services.exceptions import ComposeError
from services.models import MediaAsset, NarrationAudio, SentenceSpan
from tests.services.compose.compose_helpers import make_timeline


def _asset(name: str) -> MediaAsset:
    return MediaAsset(
        scene_index=0,
        provider="t",
        kind="image",
        asset_id=name,
        source_url="",
        local_path=Path(name),
        width=16,
        height=9,
    )


def _narration(index: int, spans: list[tuple[str, float, float]]) -> NarrationAudio:
    sentences = [SentenceSpan(text=t, start_s=a, end_s=b) for t, a, b in spans]
    return NarrationAudio(
        scene_index=index, path=Path("n.wav"), duration_s=spans[-1][2], voice="v", sentences=sentences
    )


def test_plan_uses_whole_frames_and_overlaps_scenes_by_the_transition() -> None:
    timeline = make_timeline(
        [(_asset("a"), 2.01, "", None), (_asset("b"), 3.337, "", None), (_asset("c"), 1.0, "", None)],
        width=320,
        height=180,
        transition_s=0.5,
    )
    plan = plan_render(timeline)

    assert [s.frames for s in plan.scenes] == [60, 100, 30]
    assert plan.transition_frames == 15
    assert [s.start_frame for s in plan.scenes] == [0, 45, 130]
    assert plan.total_frames == 160 and plan.duration_s == pytest.approx(160 / 30)


def test_transition_never_exceeds_half_the_shortest_scene() -> None:
    timeline = make_timeline(
        [(_asset("a"), 0.4, "", None), (_asset("b"), 2.0, "", None)], width=320, height=180, transition_s=1.0
    )
    assert plan_render(timeline).transition_frames == 6


def test_cues_follow_sentence_spans_and_long_sentences_are_split() -> None:
    long = "This sentence is deliberately long, so that it cannot fit on a caption line, and must be split up."
    narration = _narration(1, [("Short one.", 0.2, 1.0), (long, 1.3, 4.3)])
    timeline = make_timeline(
        [(_asset("a"), 2.0, "Opening words here.", None), (_asset("b"), 5.0, f"Short one. {long}", narration)],
        width=1080,
        height=1920,
    )
    plan = plan_render(timeline)
    cues = caption_cues(plan)
    speaks_at = plan.scenes[1].narration_start_s

    assert speaks_at == pytest.approx(1.5 + 0.25 + NARRATION_LEAD_S)
    assert cues[0].text == "Opening words here." and cues[0].start_s == 0.0 and cues[0].end_s == pytest.approx(1.75)
    assert (cues[1].start_s, cues[1].end_s) == (round(speaks_at + 0.2, 3), round(speaks_at + 1.0, 3))
    pieces = cues[2:]
    assert len(pieces) >= 2 and " ".join(c.text for c in pieces) == long
    assert all(20 <= len(c.text) <= 56 for c in pieces), "pieces fit a portrait line and leave no orphan word"
    assert pieces[0].start_s == round(speaks_at + 1.3, 3) and pieces[-1].end_s == round(speaks_at + 4.3, 3)
    assert all(a.end_s <= b.start_s for a, b in zip(cues, cues[1:], strict=False))


def test_srt_sidecar_uses_the_same_timings(tmp_path) -> None:
    narration = _narration(0, [("Привет.", 0.0, 1.234)])
    plan = plan_render(make_timeline([(_asset("a"), 2.0, "Привет.", narration)], width=320, height=180))
    path = tmp_path / "c.srt"
    write_srt(caption_cues(plan), path)
    assert path.read_text(encoding="utf-8") == "1\n00:00:00,150 --> 00:00:01,384\nПривет.\n"


def test_transitions_by_name_or_mixed() -> None:
    assert transition_for("wipeleft", 3) == "wipeleft"
    assert [transition_for("mixed", i) for i in range(1, 4)] == list(MIXED_CYCLE[:3])
    with pytest.raises(ValueError, match="unknown transition 'spin'"):
        Composer(transition="spin")


def test_music_folder_gives_a_stable_pick(tmp_path) -> None:
    for name in ["b.mp3", "a.wav", "notes.txt"]:
        (tmp_path / name).write_bytes(b"")
    picks = {choose_music(tmp_path, seed="same title") for _ in range(3)}
    assert len(picks) == 1 and picks.pop().name in {"a.wav", "b.mp3"}
    assert choose_music(None, seed="x") is None
    with pytest.raises(ComposeError, match="neither a file nor a folder"):
        choose_music(tmp_path / "missing", seed="x")
