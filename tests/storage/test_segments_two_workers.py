"""Compose in segments with the S3 server (moto, loopback) as the only thing two workers share besides Prefect.

Worker 1 runs the flow with P2V_COMPOSE_SEGMENTS=true: segments and the sound track go into the bucket under their
content keys. Then worker 1's folder and the stored render are deleted, and worker 2 (its own data, scratch and
output folders) runs the same prompt: every segment is Cached, and the join runs on worker 2 from worker 1's
segments fetched from the bucket, giving the same video byte for byte, published again.
"""

import shutil
from pathlib import Path

import pytest

from services.compose.render import file_sha256
from services.compose.segments import EncoderSettings, plan_segments
from services.ffmpeg import probe
from services.models import MediaAsset
from services.settings import Settings
from tasks.resume import ensure_result_storage
from tasks.segment_storage import segment_key
from tests.services.compose.compose_helpers import make_timeline
from tests.storage.conftest import SECRET_KEY, S3Server
from tests.storage.workers import published, run_flow, step_states, worker_env

EARLIER_STEPS = ("generate_storyboard", "search_media", "narrate_scene", "merge_media")
COMPOSE_STEPS = ("plan_segments", "render_segment", "render_sound", "write_extras", "join_segments")


def stored_asset(name: str) -> MediaAsset:
    uri = f"s3://bucket/p2v/media/{name}.png"
    return MediaAsset(
        scene_index=0, provider="test", kind="image", asset_id="a", source_url=uri, local_path=uri, width=64, height=64
    )


def stored_parts(s3: S3Server, bucket: str) -> dict[str, tuple[str, object]]:
    """The segments and sound tracks in the bucket, each with its ETag and when it was written."""
    listing = s3.client().list_objects_v2(Bucket=bucket, Prefix="p2v/parts/")["Contents"]
    return {item["Key"]: (item["ETag"], item["LastModified"]) for item in sorted(listing, key=lambda i: i["Key"])}


def test_a_segment_key_names_which_stored_footage_it_shows() -> None:
    """Footage in the bucket is not read to key a segment: its content-named URI is part of the key instead."""
    keys, content_keys = [], []
    for names in (["aa", "bb", "cc"], ["aa", "dd", "cc"]):
        clips = [(stored_asset(name), 1.0, f"Scene {i}.", None) for i, name in enumerate(names)]
        jobs = plan_segments(
            make_timeline(clips, width=64, height=64), motion="none", transition="fade", encoder=EncoderSettings()
        ).jobs
        keys.append([segment_key(job) for job in jobs])
        content_keys.append([job.content_key() for job in jobs])
    assert content_keys[0] == content_keys[1], "the footage's bytes are not read: without its URI, alike"
    assert keys[0][0] == keys[1][0], "scene 1 untouched"
    assert keys[0][1] != keys[1][1] and keys[0][2] != keys[1][2], "scene 2 in segment 2, its tail in segment 3"


@pytest.mark.usefixtures("prefect_harness")
def test_segments_of_worker_1_are_joined_on_worker_2(s3_server: S3Server, database_url: str, tmp_path: Path) -> None:
    bucket = s3_server.create_bucket()
    env = s3_server.env(bucket)
    ensure_result_storage(
        Settings(storage_url=env["P2V_STORAGE_URL"], s3_endpoint_url=env["P2V_S3_ENDPOINT_URL"], s3_region="us-east-1")
    )
    worker_1, worker_2 = tmp_path / "worker-1", tmp_path / "worker-2"
    segments_on = {"P2V_COMPOSE_SEGMENTS": "true"}
    first = run_flow(worker_env(worker_1, s3_server, bucket, database_url, **segments_on), tmp_path / "worker-1.log")

    states = step_states(first["run"], COMPOSE_STEPS)
    assert states[("render_segment", "Completed")] == 2 and states[("join_segments", "Completed")] == 1, states
    keys = s3_server.keys(bucket)
    parts = stored_parts(s3_server, bucket)
    assert [key.split("-")[0] for key in parts] == ["p2v/parts/segment", "p2v/parts/segment", "p2v/parts/sound"]
    video = published(first)
    assert video.is_relative_to(worker_1 / "output") and probe(video).duration_s > 5
    assert not any((worker_1 / "scratch").iterdir()), "worker 1 cleaned its scratch"
    sha = first["publication"]["video_sha256"]

    shutil.rmtree(worker_1)  # nothing of worker 1 is left on any disk
    renders = [key for key in keys if key.startswith("p2v/renders/")]
    assert any(key.endswith("-segments/video.mp4") for key in renders), renders
    s3_server.client().delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in renders]})
    second = run_flow(worker_env(worker_2, s3_server, bucket, database_url, **segments_on), tmp_path / "worker-2.log")

    earlier = step_states(second["run"], EARLIER_STEPS)
    assert {state for _step, state in earlier} == {"Cached"}, earlier
    states = step_states(second["run"], COMPOSE_STEPS)
    assert states[("render_segment", "Cached")] == 2 and states[("join_segments", "Completed")] == 1, states
    assert stored_parts(s3_server, bucket) == parts, "no segment or sound track stored again"
    again = published(second)
    assert again.is_relative_to(worker_2 / "output") and file_sha256(again) == sha, "the same video, byte for byte"
    assert second["publication"]["video_sha256"] == sha
    assert not any((worker_2 / "scratch").iterdir()), "worker 2 cleaned its scratch"
    for log in tmp_path.glob("*.log"):
        assert SECRET_KEY not in log.read_text(errors="replace")
