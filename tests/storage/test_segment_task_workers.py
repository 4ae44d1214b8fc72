"""One video's segments rendered by two `p2v worker segments` processes (Prefect task workers), not by its flow run.

The workers and the flow's process have separate data and scratch folders; they share the Prefect server (the
session's harness), the prompt store's database and a bucket of the S3 server (moto, loopback). The flow runs with
P2V_COMPOSE_SEGMENTS=true and P2V_SEGMENT_RUNNER=task-workers: each segment and the sound track is a background task
run that a worker picks up; the extras and the join run in the flow's process.
"""

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from pydantic import ValidationError

from services.exceptions import StepError
from services.settings import Settings
from tasks.compose_segments import render_segment
from tasks.resume import ensure_result_storage
from tasks.segment_workers import check_workers_serving
from tests.media_checks import video_frames_and_seconds
from tests.services.compose.compose_helpers import stream_durations
from tests.storage.conftest import SECRET_KEY, S3Server
from tests.storage.workers import published, run_flow, start_worker, step_states, stop_worker, worker_env

COMPOSE_STEPS = ("plan_segments", "render_segment", "render_sound", "write_extras", "join_segments")
SEGMENT_WORKER = ("api.worker_cli", "segments", "--limit", "1")
RENDERING = re.compile(r"segment (\d+): rendering (\d+) frames in \S+-(\d+)")


def test_task_workers_without_object_storage_are_refused_at_load() -> None:
    with pytest.raises(ValidationError, match="P2V_SEGMENT_RUNNER=task-workers needs P2V_STORAGE_URL"):
        Settings(segment_runner="task-workers", storage_url=None)
    assert Settings(segment_runner="task-workers", storage_url="s3://bucket/p2v").segment_runner == "task-workers"


@pytest.mark.usefixtures("prefect_harness")
def test_a_compose_run_with_no_worker_serving_fails_before_any_work() -> None:
    with pytest.raises(StepError, match=r"\[compose\] no task worker serves render_segment, render_sound.*p2v worker"):
        check_workers_serving()


def wait_until_serving(workers: list[subprocess.Popen], logs: list[Path], timeout_s: float = 180) -> None:
    """Until the Prefect API lists one task worker per process serving render_segment."""
    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            for worker, log in zip(workers, logs, strict=True):
                assert worker.poll() is None, log.read_text()[-4000:]
            body = {"task_worker_filter": {"task_keys": [render_segment.task_key]}}
            if len(client.request("POST", "/task_workers/filter", json=body).json()) == len(workers):
                return
            time.sleep(0.5)
    raise AssertionError("the segment workers did not subscribe:\n" + "\n".join(log.read_text() for log in logs))


@pytest.fixture
def segment_workers(s3_server: S3Server, database_url: str, tmp_path: Path) -> Iterator[tuple[str, list]]:
    """The bucket, and two worker processes on it with their own folders (stopped by SIGTERM, exit code kept)."""
    bucket = s3_server.create_bucket()
    env = s3_server.env(bucket)
    ensure_result_storage(
        Settings(storage_url=env["P2V_STORAGE_URL"], s3_endpoint_url=env["P2V_S3_ENDPOINT_URL"], s3_region="us-east-1")
    )
    folders = [tmp_path / f"task-worker-{n}" for n in (1, 2)]
    logs = [tmp_path / f"task-worker-{n}.log" for n in (1, 2)]
    workers = [
        start_worker(*SEGMENT_WORKER, env=worker_env(folder, s3_server, bucket, database_url), log=log)
        for folder, log in zip(folders, logs, strict=True)
    ]
    try:
        wait_until_serving(workers, logs)
        yield bucket, list(zip(workers, folders, logs, strict=True))
    finally:
        for worker in workers:
            stop_worker(worker)


@pytest.mark.usefixtures("prefect_harness")
def test_segments_are_rendered_by_task_workers(
    segment_workers: tuple[str, list], s3_server: S3Server, database_url: str, tmp_path: Path
) -> None:
    bucket, workers = segment_workers
    flow_folder = tmp_path / "flow"
    env = worker_env(
        flow_folder, s3_server, bucket, database_url, P2V_COMPOSE_SEGMENTS="true", P2V_SEGMENT_RUNNER="task-workers"
    )
    outcome = run_flow(env, tmp_path / "flow.log", scenes=3)

    states = step_states(outcome["run"], COMPOSE_STEPS)
    assert states[("render_segment", "Completed")] == 3 and states[("render_sound", "Completed")] == 1, states
    assert states[("join_segments", "Completed")] == 1, states
    for worker, _folder, _log in workers:
        assert stop_worker(worker) == 0, "a worker stops cleanly on SIGTERM"

    rendered = {}  # segment index -> (frames, pid of the process that rendered it)
    for worker, folder, log in workers:
        text = log.read_text()
        assert "segment worker stopped" in text, text[-2000:]
        for index, frames, pid in RENDERING.findall(text):
            assert int(pid) == worker.pid, f"segment {index} logged by {log.name} names process {pid}"
            rendered[int(index)] = (int(frames), worker.pid)
        assert not any((folder / "scratch").iterdir()), f"{folder.name} cleaned its scratch"
    assert sorted(rendered) == [0, 1, 2], rendered
    assert sum(log.read_text().count("sound track: rendering in") for _w, _f, log in workers) == 1
    # which worker takes which run is Prefect's choice (a worker still starting may get none): only workers render
    assert {pid for _frames, pid in rendered.values()} <= {worker.pid for worker, _f, _l in workers}
    flow_log = (tmp_path / "flow.log").read_text()
    assert not RENDERING.search(flow_log) and "sound track: rendering" not in flow_log, "nothing rendered in the flow"

    video = published(outcome)
    assert video.is_relative_to(flow_folder / "output")
    assert video_frames_and_seconds(video)[0] == sum(frames for frames, _pid in rendered.values()), "frame-exact join"
    durations = stream_durations(video)
    assert abs(durations[1] - durations[0]) <= 1 / 30, durations
    assert not any((flow_folder / "scratch").iterdir()), "the flow's process cleaned its scratch"

    parameters = [key for key in s3_server.keys(bucket) if key.startswith("p2v/results/parameters/")]
    assert len(parameters) == 4, "the segments' and the sound's parameters went through the bucket"
    for key in parameters:
        assert SECRET_KEY.encode() not in s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    for log in tmp_path.glob("*.log"):
        assert SECRET_KEY not in log.read_text(errors="replace")
