"""The compose flow in segments on a real Prefect server: one render_segment run per scene, an edit reuses the rest."""

import subprocess
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from flows.compose import compose_video_flow
from services.compose.plan import plan_render
from services.ffmpeg import ffmpeg_exe, run_ffmpeg
from services.models import MediaAsset, NarrationAudio, SentenceSpan
from services.settings import get_settings
from tests.services.compose.compose_helpers import decode, make_timeline, stream_durations

pytestmark = pytest.mark.usefixtures("prefect_harness")
W, H = 320, 180


def still(folder: Path, name: str, seed: int) -> MediaAsset:
    path = folder / f"{name}.png"
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"testsrc2=s=400x300,hue=h={seed * 47}", "-frames:v", "1", str(path)],
        timeout_s=60,
        what="still",
    )
    return MediaAsset(
        scene_index=0,
        provider="test",
        kind="image",
        asset_id=name,
        source_url=path.as_uri(),
        local_path=path,
        width=400,
        height=300,
    )


def narration(folder: Path, index: int) -> NarrationAudio:
    path = folder / f"voice-{index}.wav"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "aevalsrc='0.25*sin(2*PI*440*t)':s=48000:d=0.6", str(path)], timeout_s=60, what="voice"
    )
    spans = [SentenceSpan(text=f"Scene {index} speaks.", start_s=0.0, end_s=0.6)]
    return NarrationAudio(scene_index=index, path=path, duration_s=0.6, voice="tone", sentences=spans)


def segment_states(flow_run_id) -> dict[str, str]:  # noqa: ANN001
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {run.name: run.state.name for run in runs if run.name.startswith("render-segment-")}


def frame_count(path: Path) -> int:
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return sum(1 for line in done.stdout.splitlines() if line and not line.startswith("#"))


def test_segments_are_mapped_tasks_and_an_edit_renders_only_its_segments(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("P2V_COMPOSE_SEGMENTS", "true")
    get_settings.cache_clear()
    scenes = [(still(tmp_path, f"s{i}", i), 1.0, f"Scene {i} speaks.", narration(tmp_path, i)) for i in range(4)]
    timeline = make_timeline(scenes, width=W, height=H, transition_s=0.3)
    try:
        first = compose_video_flow(timeline, return_state=True)
        clips = list(timeline.clips)
        clips[1] = clips[1].model_copy(update={"asset": still(tmp_path, "edited", 9)})
        edited = timeline.model_copy(update={"clips": clips})
        second = compose_video_flow(edited, return_state=True)
    finally:
        get_settings.cache_clear()

    assert first.is_completed() and second.is_completed()
    names = [f"render-segment-{i}" for i in range(4)]
    assert segment_states(first.state_details.flow_run_id) == dict.fromkeys(names, "Completed")
    again = segment_states(second.state_details.flow_run_id)
    assert again == {names[0]: "Cached", names[1]: "Completed", names[2]: "Completed", names[3]: "Cached"}
    for state, shown in ((first, timeline), (second, edited)):
        video = state.result()
        assert decode(video.path, "-f", "null", "-") == ""
        assert frame_count(video.path) == plan_render(shown).total_frames
        durations = stream_durations(video.path)
        assert abs(durations[1] - durations[0]) <= 1 / 30
