"""A `p2v worker segments` stopped while busy: the runs it had taken but not started go to another worker, and a
compose run left with no worker at all fails fast, named, instead of waiting P2V_TASK_TIMEOUT_S.

One worker with --limit 1 takes the first run and starts rendering; the server has delivered it a second one that
waits for the slot. SIGTERM then: the running render finishes, the waiting run is handed back to the server's queue.
P2V_TASK_TIMEOUT_S is 600 (more than the flow process is given), so the timeout is not what ends any wait here.
"""

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from services.settings import Settings
from tasks.compose_segments import render_segment
from tasks.resume import ensure_result_storage
from tests.storage.conftest import S3Server
from tests.storage.workers import PROMPT, ROOT, worker_env

RENDERING = re.compile(r"segment (\d+): rendering (\d+) frames")
RECEIVED = re.compile(r"Received task run: ([0-9a-f-]{36})")
HANDED_BACK = re.compile(r"handed back \S+ ([0-9a-f-]{36})")
FLOW_LIMIT_S = 420


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "api.worker_cli", "segments", "--limit", "1"]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def start_flow(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.storage.worker", "run", PROMPT, json.dumps({"scenes": 3})]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_for(condition, what: str, log: Path, timeout_s: float = 180) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}:\n{log.read_text()[-4000:]}")


def serving_workers() -> int:
    with get_client(sync_client=True) as client:
        body = {"task_worker_filter": {"task_keys": [render_segment.task_key]}}
        return len(client.request("POST", "/task_workers/filter", json=body).json())


def outcome_of(flow: subprocess.Popen, log: Path) -> dict:
    assert flow.wait(timeout=FLOW_LIMIT_S) == 0, log.read_text()[-4000:]
    lines = [line for line in log.read_text().splitlines() if line.startswith("OUTCOME ")]
    assert lines, log.read_text()[-4000:]
    return json.loads(lines[-1].removeprefix("OUTCOME "))


def stop(worker: subprocess.Popen) -> int:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        return worker.wait(timeout=120)
    except subprocess.TimeoutExpired:
        worker.kill()
        raise


@pytest.fixture
def envs(s3_server: S3Server, database_url: str, tmp_path: Path) -> Iterator[dict[str, dict[str, str]]]:
    """Environments of two workers and of the flow's process: one bucket, folders of their own."""
    bucket = s3_server.create_bucket()
    env = s3_server.env(bucket)
    ensure_result_storage(
        Settings(storage_url=env["P2V_STORAGE_URL"], s3_endpoint_url=env["P2V_S3_ENDPOINT_URL"], s3_region="us-east-1")
    )
    flow = {"P2V_COMPOSE_SEGMENTS": "true", "P2V_SEGMENT_RUNNER": "task-workers", "P2V_TASK_TIMEOUT_S": "600"}
    yield {
        name: worker_env(tmp_path / name, s3_server, bucket, database_url, **(flow if name == "flow" else {}))
        for name in ("worker-1", "worker-2", "flow")
    }


def busy_worker_stopped(envs: dict[str, dict[str, str]], tmp_path: Path) -> tuple[subprocess.Popen, subprocess.Popen]:
    """The flow running with one worker, which is rendering one run and holds another when SIGTERM reaches it."""
    log = tmp_path / "worker-1.log"
    worker = start_worker(envs["worker-1"], log)
    try:
        wait_for(lambda: serving_workers() == 1, "the first worker did not subscribe", log)
        flow = start_flow(envs["flow"], tmp_path / "flow.log")
        wait_for(lambda: len(RECEIVED.findall(log.read_text())) >= 2, "the worker did not take two runs", log)
        wait_for(lambda: "rendering" in log.read_text(), "the worker did not start rendering", log)
        worker.send_signal(signal.SIGTERM)
        return worker, flow
    except BaseException:
        stop(worker)
        raise


@pytest.mark.usefixtures("prefect_harness")
def test_runs_a_stopped_worker_had_taken_are_rendered_by_another(
    envs: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    first, flow = busy_worker_stopped(envs, tmp_path)
    second = start_worker(envs["worker-2"], tmp_path / "worker-2.log")
    try:
        assert first.wait(timeout=120) == 0, "the stopped worker finished its render and exited cleanly"
        outcome = outcome_of(flow, tmp_path / "flow.log")
    finally:
        stop(first)
        stop(second)
    assert outcome["completed"], outcome["message"]

    logs = {name: (tmp_path / f"{name}.log").read_text() for name in ("worker-1", "worker-2")}
    handed_back = HANDED_BACK.findall(logs["worker-1"])
    assert len(handed_back) == 1, logs["worker-1"][-3000:]
    assert handed_back[0] in RECEIVED.findall(logs["worker-2"]), "the run handed back went to the other worker"
    assert len(RENDERING.findall(logs["worker-1"])) + ("sound track: rendering" in logs["worker-1"]) == 1
    segments = sorted(int(index) for log in logs.values() for index, _frames in RENDERING.findall(log))
    assert segments == [0, 1, 2], logs
    assert sum(log.count("sound track: rendering in") for log in logs.values()) == 1
    with get_client(sync_client=True) as client:
        run = client.read_task_run(handed_back[0])
    assert run.state is not None and run.state.is_completed()


@pytest.mark.usefixtures("prefect_harness")
def test_a_compose_run_left_with_no_worker_fails_fast_and_named(
    envs: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    envs["flow"]["P2V_TASK_WORKER_GRACE_S"] = "5"
    worker, flow = busy_worker_stopped(envs, tmp_path)
    try:
        assert worker.wait(timeout=120) == 0
        outcome = outcome_of(flow, tmp_path / "flow.log")
    finally:
        stop(worker)
    assert not outcome["completed"]
    assert re.search(
        r"\[compose\] \d run\(s\) unfinished and no task worker serves render_segment, render_sound any more "
        r"\(none for 5 s, P2V_TASK_WORKER_GRACE_S\).*p2v worker segments",
        outcome["message"],
    ), outcome["message"]
    handed_back = HANDED_BACK.findall((tmp_path / "worker-1.log").read_text())
    assert len(handed_back) == 1
    with get_client(sync_client=True) as client:
        run = client.read_task_run(handed_back[0])
    assert run.state is not None and run.state.is_cancelled(), "a run no worker started is cancelled with the step"
