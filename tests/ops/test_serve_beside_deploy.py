"""`p2v serve` beside `prefect deploy` on one real local server: what was deployed stays as it was."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.workers.process import ProcessWorker

from deployments.local_server import PROJECT_DIR, LocalPrefect, local_prefect_server
from deployments.serve import SERVED_TAG
from tests.ops.conftest import ok

DEPLOYED = ["prompt-to-video/default", "batch-videos/nightly"]
SERVED = ["compose-video/compose", "batch-videos/default"]
WAIT_S = 180


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPrefect]:
    with local_prefect_server(tmp_path_factory.mktemp("serve-beside-deploy")) as server:
        with temporary_settings({PREFECT_API_URL: server.api_url}), get_client(sync_client=True) as client:
            for pool in ("p2v-process", "p2v-compose"):
                template = ProcessWorker.get_default_base_job_template()
                client.create_work_pool(WorkPoolCreate(name=pool, type="process", base_job_template=template))
        yield server


@pytest.fixture
def client(server: LocalPrefect) -> Iterator[SyncPrefectClient]:
    with temporary_settings({PREFECT_API_URL: server.api_url}), get_client(sync_client=True) as client:
        yield client


def start_serve(server: LocalPrefect, log: Path) -> subprocess.Popen:
    """`p2v serve` as a user starts it, in its own process group."""
    command = [sys.executable, "-m", "api.serve_cli"]
    return subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=server.env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, how: signal.Signals = signal.SIGINT) -> None:
    """Ctrl-C by default; SIGTERM (kill, systemd, docker stop) is the stop on which Prefect pauses what it served."""
    if process.poll() is None:
        os.killpg(process.pid, how)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def wait_for(client: SyncPrefectClient, names: list[str], process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            [client.read_deployment_by_name(name) for name in names]
            return
        except ObjectNotFound:
            time.sleep(1)
    raise TimeoutError(f"serve never registered {names}:\n{log.read_text(errors='replace')[-3000:]}")


def snapshot(client: SyncPrefectClient, name: str) -> dict:
    deployment = client.read_deployment_by_name(name)
    return {
        "entrypoint": deployment.entrypoint,
        "path": deployment.path,
        "pull_steps": deployment.pull_steps,
        "work_pool": deployment.work_pool_name,
        "paused": deployment.paused,
        "schedules": [(s.schedule.cron, s.active) for s in deployment.schedules],
    }


def test_serve_skips_deployed_deployments_and_its_stop_leaves_them_alone(server, client, tmp_path) -> None:
    names = [arg for name in DEPLOYED for arg in ("--name", name)]
    ok(server.prefect("--no-prompt", "deploy", *names))
    before = {name: snapshot(client, name) for name in DEPLOYED}
    assert before["batch-videos/nightly"]["schedules"] == [("0 6 * * *", True)]
    assert all(s["work_pool"] == "p2v-process" and not s["paused"] for s in before.values())

    log = tmp_path / "serve.log"
    serving = start_serve(server, log)
    try:
        wait_for(client, SERVED, serving, log)
        served = [client.read_deployment_by_name(name) for name in SERVED]
        assert all(d.work_pool_name is None and SERVED_TAG in d.tags and not d.paused for d in served)
        assert {name: snapshot(client, name) for name in DEPLOYED} == before, "serving rewrote a deployment"
    finally:
        stop(serving, signal.SIGTERM)

    assert {name: snapshot(client, name) for name in DEPLOYED} == before, "stopping serve changed a deployment"
    assert serving.returncode is not None and all(
        client.read_deployment_by_name(n).work_pool_name is None for n in SERVED
    )
    assert "Not serving prompt-to-video/default" in log.read_text(errors="replace")


def test_serve_refuses_when_everything_is_deployed(server, client, tmp_path) -> None:
    ok(server.prefect("--no-prompt", "deploy", "--all"))
    before = {name: snapshot(client, name) for name in [*DEPLOYED, *SERVED]}
    log = tmp_path / "serve.log"
    serving = start_serve(server, log)
    try:
        assert serving.wait(timeout=WAIT_S) == 1
    finally:
        stop(serving)
    assert "Nothing to serve" in log.read_text(errors="replace")
    assert {name: snapshot(client, name) for name in [*DEPLOYED, *SERVED]} == before
