"""Two workers that share nothing but the S3 server (moto, loopback) and the Prefect API.

Worker 1 runs the flow; its compose step runs as the `compose-video/compose` deployment served by worker 2; each has
its own data, scratch and output folders. Then worker 1's folder is deleted and worker 2 runs the same prompt: every
step's result is found in the bucket (cached task runs) and the video is published again from the stored render.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL

from services.compose.render import file_sha256
from services.ffmpeg import probe
from tests.storage.conftest import SECRET_KEY, S3Server

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "Lanterns over a night market"
STEPS = ("generate_storyboard", "search_media", "narrate_scene", "merge_media", "compose_video")


@pytest.fixture(scope="module")
def database_url() -> str:
    """The prompt store's database, as a server both workers reach (here: the test session's embedded one)."""
    from prompt_store import get_store
    from prompt_store.db import embedded_url, runtime_url
    from services.settings import get_settings

    get_store()  # migrated
    return runtime_url(embedded_url(get_settings().data_dir))


def worker_env(folder: Path, s3: S3Server, bucket: str, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P2V_", "AWS_"))}
    env.update(
        s3.env(bucket),
        PYTHONPATH=str(ROOT),
        PREFECT_API_URL=str(PREFECT_API_URL.value()),
        PREFECT_HOME=str(folder / "prefect"),
        PREFECT_RUNNER_POLL_FREQUENCY="1",
        DATABASE_URL=database_url,
        P2V_DATA_DIR=str(folder / "data"),
        P2V_SCRATCH_DIR=str(folder / "scratch"),
        P2V_OUTPUT_DIR=str(folder / "output"),
        P2V_MEDIA_DIR="/nonexistent/p2v-media",  # a setting, not a folder: the same on every machine
        P2V_X264_PRESET="ultrafast",
        P2V_EMBEDDER="keywords",
        **extra,
    )
    return env


def run_flow(env: dict[str, str], log: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.storage.worker", "run", PROMPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
    )
    log.write_text(done.stdout + done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith("OUTCOME ")]
    assert done.returncode == 0 and lines, (done.stdout + done.stderr)[-4000:]
    outcome = json.loads(lines[-1].removeprefix("OUTCOME "))
    assert outcome["completed"], f"{outcome['message']}\n{(done.stdout + done.stderr)[-4000:]}"
    return outcome


@pytest.fixture
def compose_worker(
    prefect_harness: None, s3_server: S3Server, database_url: str, tmp_path: Path
) -> Iterator[tuple[Path, str]]:
    """Worker 2 serving the compose deployment against a fresh bucket; yields its folder and the bucket."""
    bucket = s3_server.create_bucket()
    folder = tmp_path / "worker-2"
    log = tmp_path / "worker-2-serve.log"
    init = subprocess.run(
        [sys.executable, "-c", "from api.cli import app; app()", "storage", "init"],
        cwd=ROOT,
        env=worker_env(folder, s3_server, bucket, database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0 and "is writable" in init.stdout, init.stdout + init.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.worker", "serve"],
        cwd=ROOT,
        env=worker_env(folder, s3_server, bucket, database_url),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with get_client(sync_client=True) as client:
            _wait_for_deployment(client, process, log)
        yield folder, bucket
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


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


def _step_states(run_id: str) -> Counter:
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))
    return Counter((r.task_key.split("-")[0], r.state.name) for r in runs if r.task_key.split("-")[0] in STEPS)


def _published(outcome: dict) -> Path:
    return Path(url2pathname(urlparse(outcome["publication"]["url"]).path))


def test_compose_on_a_second_worker_and_a_rerun_there_finds_every_step(
    compose_worker: tuple[Path, str], s3_server: S3Server, database_url: str, tmp_path: Path
) -> None:
    worker_2, bucket = compose_worker
    worker_1 = tmp_path / "worker-1"
    first = run_flow(
        worker_env(worker_1, s3_server, bucket, database_url, P2V_COMPOSE_DEPLOYMENT="compose-video/compose"),
        tmp_path / "worker-1.log",
    )
    video = _published(first)
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

    states = _step_states(second["run"])
    assert {state for _step, state in states} == {"Cached"}, states
    assert {step for step, _state in states} == set(STEPS)
    again = _published(second)
    assert again.is_relative_to(worker_2 / "output") and second["publication"]["video_sha256"] == sha
    assert file_sha256(again) == sha, "the stored render, byte for byte"
    for log in tmp_path.glob("*.log"):
        assert SECRET_KEY not in log.read_text(errors="replace")
