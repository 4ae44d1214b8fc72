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
    metadata = json.loads((video.parent / "metadata.json").read_text(encoding="utf-8"))
    last = metadata["scenes"][-1]
    timeline_s = last["start_s"] + last["duration_s"]
    assert abs(timeline_s - 12.0) <= 1.2, "the video lasts the requested duration, within 10%"
    frames, _ = video_frames_and_seconds(video)
    assert abs(frames / 30 - timeline_s) <= 1 / 30
    assert abs(audio_seconds(video) - timeline_s) <= 0.06
    summary = stream_summary(video)
    assert "1080x1920" in summary and "h264" in summary and "aac" in summary
    assert (video.parent / "thumbnail.jpg").stat().st_size > 1000
    assert metadata["title"] == "AI" and len(metadata["scenes"]) == 4
    assert {s["media"]["provider"] for s in metadata["scenes"]} == {"generated"}
    assert len({s["media"]["source_url"] for s in metadata["scenes"]}) == 4

    import asyncio

    runs = asyncio.run(_task_runs(state.state_details.flow_run_id))
    assert Counter(r.task_key.split("-")[0] for r in runs) == Counter(
        record_request=1,
        embed_request=1,
        load_system_prompt=1,
        generate_storyboard=1,
        search_media=4,
        narrate_scene=4,
        merge_media=1,
        compose_video=1,
        publish_video=1,
        record_lineage=1,
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


def test_lineage_and_a_prompt_rollback_reach_the_next_run(settings) -> None:
    from prompt_store import get_store

    store = get_store()
    store.ensure_default_prompts()
    first = store.commit("storyboard.system", "Plan short scenes. v-test", message="test")
    state = prompt_to_video(prompt="Create a video about owls", scenes=2, duration_s=6, return_state=True)
    run_id = str(state.state_details.flow_run_id)

    lineage = store.lineage(run_id)
    assert lineage.text == "Create a video about owls" and lineage.status == "done"
    assert lineage.prompt_versions == {"storyboard.system": first.version}
    assert lineage.publication_url == state.result().url

    store.rollback("storyboard.system", first.version - 1, reason="test")
    again = prompt_to_video(prompt="Create a video about owls", scenes=2, duration_s=6, return_state=True)
    versions = store.lineage(str(again.state_details.flow_run_id)).prompt_versions
    assert versions == {"storyboard.system": first.version - 1}


def test_batch_drains_queued_user_prompts(settings) -> None:
    from flows.batch import batch_videos
    from prompt_store import get_store

    store = get_store()
    store.next_queued_user_prompts(10_000)  # prompts other tests queued are not this batch's
    queued = [store.queue_user_prompt(f"Create a video about {topic}") for topic in ("rivers", "bees", "tea")]
    outcomes = batch_videos(limit=10, scenes=2, duration_s=5)

    assert [o.status for o in outcomes] == ["completed"] * 3
    assert {o.prompt for o in outcomes} == {f"Create a video about {t}" for t in ("rivers", "bees", "tea")}
    for user_prompt_id in queued:
        lineage = store.lineage(user_prompt_id)
        assert lineage.status == "done" and lineage.video_path
    assert store.next_queued_user_prompts(10) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "a\x00b"}, "prompt"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"prompt": "ok", "aspect": "4:3"}, "aspect"),
        ({"prompt": "ok", "scenes": 0}, "scenes"),
        ({"prompt": "ok", "duration_s": -5}, "duration_s"),
        ({"prompt": "ok", "voice": "robot"}, "voice"),
        ({"prompt": "ok", "voice": "openai"}, "OPENAI_API_KEY"),  # chosen for this run, with no key set
    ],
)
def test_bad_parameters_fail_before_any_work(settings, params: dict, field: str) -> None:
    state = prompt_to_video(**params, return_state=True)
    assert state.is_failed()
    assert field in state.message
    assert not settings.output_dir.exists()


def test_a_run_can_choose_its_own_voice(settings) -> None:
    """P2V_VOICE is espeak-ng here (no key); this run asks for none, so with no music its sound is silence."""
    from services.quality.media import measure_loudness

    publication = prompt_to_video(
        prompt="Create a video about owls", scenes=2, duration_s=6, aspect="1:1", voice="silent", music="none"
    )
    video = Path(url2pathname(urlparse(publication.url).path))
    assert measure_loudness(video).integrated_lufs < -60
