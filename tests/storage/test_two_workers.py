"""Two workers that share nothing but the S3 server (moto, loopback) and the Prefect API.

Worker 1 runs the flow; its compose step runs as the `compose-video/compose` deployment served by worker 2; each has
its own data, scratch and output folders. Then worker 1's folder is deleted and worker 2 runs the same prompt: every
step's result is found in the bucket (cached task runs) and the video is published again from the stored render.
"""

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.exceptions import ObjectNotFound

from services.compose.render import file_sha256
from services.ffmpeg import probe
from tests.storage.conftest import SECRET_KEY, S3Server
from tests.storage.workers import ROOT, published, run_flow, start_worker, step_states, stop_worker, worker_env

STEPS = ("generate_storyboard", "search_media", "narrate_scene", "merge_media", "compose_video")


@pytest.fixture
def compose_worker(
    prefect_harness: None, s3_server: S3Server, database_url: str, tmp_path: Path
) -> Iterator[tuple[Path, str]]:
    """Worker 2 serving the compose deployment against a fresh bucket; yields its folder and the bucket."""
    bucket = s3_server.create_bucket()
    folder = tmp_path / "worker-2"
    log = tmp_path / "worker-2-serve.log"
    env = worker_env(folder, s3_server, bucket, database_url)
    init = subprocess.run(
        [sys.executable, "-c", "from api.cli import app; app()", "storage", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0 and "is writable" in init.stdout, init.stdout + init.stderr
    process = start_worker("tests.storage.worker", "serve", env=env, log=log)
    try:
        with get_client(sync_client=True) as client:
            _wait_for_deployment(client, process, log)
        yield folder, bucket
    finally:
        stop_worker(process)


def _wait_for_deployment(client: SyncPrefectClient, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            client.read_deployment_by_name("compose-video/compose")
            return
        except ObjectNotFound:
            time.sleep(0.5)
    raise TimeoutError(log.read_text(errors="replace")[-3000:])


def test_compose_on_a_second_worker_and_a_rerun_there_finds_every_step(
    compose_worker: tuple[Path, str], s3_server: S3Server, database_url: str, tmp_path: Path
) -> None:
    worker_2, bucket = compose_worker
    worker_1 = tmp_path / "worker-1"
    first = run_flow(
        worker_env(worker_1, s3_server, bucket, database_url, P2V_COMPOSE_DEPLOYMENT="compose-video/compose"),
        tmp_path / "worker-1.log",
    )
    video = published(first)
    assert video.is_relative_to(worker_1 / "output") and probe(video).duration_s > 5
    assert "Task run 'compose_video" not in (tmp_path / "worker-1.log").read_text(), "compose ran on worker 2"
    assert "rendered 1080x1080" in (tmp_path / "worker-2-serve.log").read_text(errors="replace")
    keys = s3_server.keys(bucket)
    for folder in ("narration/", "media/", "renders/", "results/", f"published/{video.parent.name}/video.mp4"):
        assert any(key.startswith(f"p2v/{folder}") for key in keys), (folder, keys)
    assert list((worker_2 / "scratch").iterdir()) == [], "worker 2 cleaned its scratch"
    sha = first["publication"]["video_sha256"]

    shutil.rmtree(worker_1)  # nothing of worker 1 is left on any disk
    second = run_flow(worker_env(worker_2, s3_server, bucket, database_url), tmp_path / "worker-2.log")

    states = step_states(second["run"], STEPS)
    assert {state for _step, state in states} == {"Cached"}, states
    assert {step for step, _state in states} == set(STEPS)
    again = published(second)
    assert again.is_relative_to(worker_2 / "output") and second["publication"]["video_sha256"] == sha
    assert file_sha256(again) == sha, "the stored render, byte for byte"
    for log in tmp_path.glob("*.log"):
        assert SECRET_KEY not in log.read_text(errors="replace")
