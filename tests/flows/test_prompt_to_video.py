"""The whole flow under a real (temporary) Prefect server: a prompt becomes a published MP4."""

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from flows.prompt_to_video import prompt_to_video
from services.models import Publication
from tests.media_checks import audio_seconds, decode_errors, stream_summary, video_frames_and_seconds

pytestmark = pytest.mark.usefixtures("prefect_harness")


async def _task_runs(flow_run_id) -> list:
    async with get_client() as client:
        return await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))


def test_prompt_becomes_a_published_video(settings, tmp_path: Path) -> None:
    state = prompt_to_video(prompt="Create a video about AI", aspect="9:16", scenes=4, duration_s=12, return_state=True)

    assert state.is_completed(), state.message
    publication: Publication = state.result()
    video = Path(url2pathname(urlparse(publication.url).path))
    assert video.is_file() and video.parent.parent == settings.output_dir
    assert decode_errors(video) == ""
    frames, _ = video_frames_and_seconds(video)
    assert abs(frames / 30 - 12.0) <= 1 / 30
    assert abs(audio_seconds(video) - 12.0) <= 0.06
    summary = stream_summary(video)
    assert "1080x1920" in summary and "h264" in summary and "aac" in summary
    assert (video.parent / "thumbnail.jpg").stat().st_size > 1000
    metadata = json.loads((video.parent / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["title"] == "AI" and len(metadata["scenes"]) == 4
    assert {s["media"]["provider"] for s in metadata["scenes"]} == {"generated"}
    assert len({s["media"]["source_url"] for s in metadata["scenes"]}) == 4

    import asyncio

    runs = asyncio.run(_task_runs(state.state_details.flow_run_id))
    assert Counter(r.task_key.split("-")[0] for r in runs) == Counter(
        generate_storyboard=1, search_media=4, merge_media=1, compose_video=1, publish_video=1
    )
    assert all(r.state.is_completed() for r in runs)
    assert sorted(r.name for r in runs if r.name.startswith("search-media")) == [f"search-media-{i}" for i in range(4)]


def test_local_media_is_used_when_it_matches(settings, tmp_path: Path) -> None:
    from tests.media_checks import make_still

    make_still(settings.media_dir / "robot-arm-factory.png", size="800x600", colour="blue")
    publication = prompt_to_video(prompt="Create a video about robots", scenes=4, duration_s=10)
    folder = Path(url2pathname(urlparse(publication.url).path)).parent
    scenes = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))["scenes"]
    providers = [s["media"]["provider"] for s in scenes]
    assert providers.count("local") == 1, "one local asset, used once; the other scenes get generated visuals"
    assert providers.count("generated") == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "a\x00b"}, "prompt"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"prompt": "ok", "aspect": "4:3"}, "aspect"),
        ({"prompt": "ok", "scenes": 0}, "scenes"),
        ({"prompt": "ok", "duration_s": -5}, "duration_s"),
    ],
)
def test_bad_parameters_fail_before_any_work(settings, params: dict, field: str) -> None:
    state = prompt_to_video(**params, return_state=True)
    assert state.is_failed()
    assert field in state.message
    assert not settings.output_dir.exists()
