"""Compose in segments: the joined video is whole, frame-exact, in sync, captioned across joins, and incremental."""

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from services.compose import Composer
from services.compose.captions import Cue
from services.compose.plan import plan_render
from services.compose.segment_render import avc_config, join_video_stream, render_segment
from services.compose.segmented import STILL_SETUP_FRAMES, SegmentedComposer, render_order, render_sound
from services.compose.segments import EncoderSettings, plan_segments, shifted_cues
from services.exceptions import ComposeError
from services.ffmpeg import ffmpeg_exe
from tests.services.compose.compose_helpers import decode, header, loudness, make_timeline, stream_durations

W, H, FPS = 320, 180, 30
ONE_FRAME = 1 / FPS


@pytest.fixture
def four_scenes(make_still, make_clip, make_narration):
    """Stills and a clip, narrated; scene 0's second sentence is still being captioned when scene 1 fades in."""
    n0 = make_narration(0, [("Sentence one.", 0.05, 0.5), ("A sentence across the join.", 0.55, 1.4)], seconds=1.5)
    n2 = make_narration(2, [("Third scene speaks.", 0.0, 0.6)], seconds=0.7)
    return make_timeline(
        [
            (make_still("a", 480, 270, color="0x203040"), 1.4, "Sentence one. A sentence across the join.", n0),
            (make_still("b", 300, 300, seed=2), 1.0, "Second.", None),
            (make_clip("c", 320, 240, fps=25, seconds=0.6), 1.0, "Third scene speaks.", n2),
            (make_still("d", 640, 360, seed=4), 1.0, "Fourth.", None),
        ],
        width=W,
        height=H,
        transition_s=0.3,
    )


def gray_frames(path: Path) -> np.ndarray:
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True,
        check=True,
    )
    return np.frombuffer(done.stdout, np.uint8).reshape(-1, H, W).astype(np.int16)


def test_joined_video_is_whole_frame_exact_in_sync_and_matches_the_one_graph_render(four_scenes, tmp_path) -> None:
    composer = Composer(preset="ultrafast")
    segmented = SegmentedComposer(composer, parts_dir=tmp_path / "parts", workers=2)
    video = segmented.render(four_scenes, tmp_path / "out")

    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["captions.ass", "captions.srt", "contact_sheet.png", "thumbnail.jpg", "video.mp4"]
    assert decode(video.path, "-f", "null", "-") == ""
    info = header(video.path)
    assert "Video: h264" in info and "yuv420p" in info and f"{W}x{H}" in info and "Audio: aac" in info, info
    data = video.path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")
    plan = plan_render(four_scenes)
    frames = gray_frames(video.path)
    assert len(frames) == plan.total_frames == sum(job.frames for job in segmented.plan(four_scenes).jobs)
    durations = stream_durations(video.path)
    assert abs(durations[0] - plan.duration_s) < ONE_FRAME / 2
    assert abs(durations[1] - durations[0]) <= ONE_FRAME
    assert abs(loudness(video.path)[0] - -14.0) <= 1.0

    whole = gray_frames(composer.render(four_scenes, tmp_path / "whole").path)
    difference = np.abs(frames - whole).mean(axis=(1, 2))
    assert difference.max() < 4.0, difference.round(1).tolist()  # two encodes of the same frames, not a shift
    shifted = np.abs(frames[1:] - whole[:-1]).mean(axis=(1, 2))
    assert difference.mean() < shifted.mean()


def test_a_caption_across_a_join_shows_on_both_sides(four_scenes, tmp_path) -> None:
    jobs = plan_segments(four_scenes, motion="pan", transition="fade", encoder=EncoderSettings(preset="ultrafast")).jobs
    crossing = [c for c in jobs[1].cues if c.text == "A sentence across the join."]
    assert crossing and crossing[0].start_s == 0.0 and jobs[0].cues[-1].text == crossing[0].text
    video = SegmentedComposer(Composer(preset="ultrafast"), parts_dir=tmp_path / "parts").render(
        four_scenes, tmp_path / "out"
    )
    frames = gray_frames(video.path)
    join = jobs[1].first_frame
    band = frames[:, int(H * 0.7) :, :]  # scene 0 is a dark flat colour: bright pixels there are caption text
    bright = (band > 200).sum(axis=(1, 2))
    assert bright[join - 1] > 30 and bright[join] > 30, bright[join - 3 : join + 3].tolist()


def test_editing_one_scene_renders_only_its_segments_again(four_scenes, make_still, tmp_path) -> None:
    parts = tmp_path / "parts"
    segmented = SegmentedComposer(Composer(preset="ultrafast"), parts_dir=parts)
    segmented.render(four_scenes, tmp_path / "first")
    before = {p.name: p.stat().st_mtime_ns for p in parts.glob("segment-*.mp4")}
    assert len(before) == 4
    assert not [p for p in parts.iterdir() if p.is_dir()], "the shared pan atlases' folder is removed after the render"

    clips = list(four_scenes.clips)
    clips[1] = clips[1].model_copy(update={"asset": make_still("b2", 300, 300, seed=7)})
    edited = four_scenes.model_copy(update={"clips": clips})
    video = segmented.render(edited, tmp_path / "second")

    after = {p.name: p.stat().st_mtime_ns for p in parts.glob("segment-*.mp4")}
    new = set(after) - set(before)
    jobs = segmented.plan(edited).jobs
    assert {Path(f"segment-{jobs[i].content_key()[:40]}.mp4").name for i in (1, 2)} == new  # scene 1 and its tail
    assert all(after[name] == before[name] for name in before)  # nothing rendered twice
    assert len(gray_frames(video.path)) == plan_render(edited).total_frames


def test_segments_encoded_with_other_parameters_are_refused_at_the_join(four_scenes, tmp_path) -> None:
    plan = plan_segments(four_scenes, motion="none", transition="fade", encoder=EncoderSettings(preset="ultrafast"))
    first = render_segment(plan.jobs[0], tmp_path, timeout_s=60)
    other = plan.jobs[1].model_copy(update={"encoder": EncoderSettings(preset="ultrafast", level="3.1")})
    second = render_segment(other, tmp_path, timeout_s=60)
    assert avc_config(first.path) != avc_config(second.path)
    sound = render_sound(four_scenes, tmp_path, music_cache_dir=tmp_path / "music", timeout_s=60)

    with pytest.raises(ComposeError, match="segment 2 was encoded with other H.264 parameters"):
        join_video_stream([first, second], sound, tmp_path / "video.mp4", timeout_s=60)
    assert not (tmp_path / "video.mp4").exists()


def test_cues_are_cut_at_segment_edges_on_whole_frames() -> None:
    cues = [Cue(start_s=0.2, end_s=1.0, text="across"), Cue(start_s=1.0, end_s=1.5, text="after")]
    first = shifted_cues(cues, first_frame=0, frames=21, fps=30)
    second = shifted_cues(cues, first_frame=21, frames=30, fps=30)
    assert [(c.text, c.start_s, c.end_s) for c in first] == [("across", 0.2, 0.7)]
    assert [c.text for c in second] == ["across", "after"]
    assert second[0].start_s == 0.0 and round(second[0].end_s * 30) == 9 and round(second[1].end_s * 30) == 24


def test_one_single_threaded_segment_per_core_costliest_first(four_scenes, tmp_path) -> None:
    segmented = SegmentedComposer(Composer(preset="ultrafast"), parts_dir=tmp_path)
    assert segmented.workers == os.cpu_count()
    plan = segmented.plan(four_scenes)
    assert {job.encoder.threads for job in plan.jobs} == {1}
    assert plan.jobs[0].encoder.global_args() == ["-filter_threads", "1", "-filter_complex_threads", "1"]
    if (os.cpu_count() or 1) > 1:
        fewer = SegmentedComposer(Composer(preset="ultrafast"), parts_dir=tmp_path, workers=1).plan(four_scenes)
        assert {job.encoder.threads for job in fewer.jobs} == {0} and fewer.jobs[0].encoder.global_args() == []

    order = render_order(plan)
    costs = [job.frames + STILL_SETUP_FRAMES * (1 + (job.previous is not None)) for job in order]
    assert sorted(order, key=lambda job: job.index) == plan.jobs and costs == sorted(costs, reverse=True)


def test_encoder_threads_leave_the_parameter_sets_alone(four_scenes, tmp_path) -> None:
    """Threads are chosen per machine; segments encoded with other thread counts must still join."""
    encoder = EncoderSettings(preset="ultrafast")
    jobs = plan_segments(four_scenes, motion="none", transition="fade", encoder=encoder).jobs
    threaded = render_segment(jobs[1], tmp_path / "threaded", timeout_s=60)
    single = jobs[1].model_copy(update={"encoder": EncoderSettings(preset="ultrafast", threads=1)})
    assert avc_config(render_segment(single, tmp_path / "single", timeout_s=60).path) == avc_config(threaded.path)
