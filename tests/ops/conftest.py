"""A real Prefect server on a loopback port, the project deployed to it, and one process worker per pool."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.workers.process import ProcessWorker

from deployments.local_server import LocalPrefect, local_prefect_server

POOLS = ("p2v-process", "p2v-compose")
CONCURRENCY_LIMITS = {"openai": 2, "stock-media": 4, "youtube": 1}
SMALL_VIDEO = ["-p", "aspect=1:1", "-p", "scenes=2", "-p", "duration_s=5"]


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPrefect]:
    root = tmp_path_factory.mktemp("prefect-server")
    env = {
        "P2V_DATA_DIR": str(root / "data"),
        "P2V_OUTPUT_DIR": str(root / "output"),
        "P2V_MEDIA_DIR": str(root / "media"),
        "P2V_X264_PRESET": "ultrafast",
    }
    with local_prefect_server(root, env=env, postgres=True) as server:
        # what docs/prefect-server.md does with `prefect work-pool create` / `prefect concurrency-limit create`,
        # through the client: each CLI call costs seconds of start-up
        with temporary_settings({PREFECT_API_URL: server.api_url}), get_client(sync_client=True) as client:
            for pool in POOLS:
                template = ProcessWorker.get_default_base_job_template()
                client.create_work_pool(WorkPoolCreate(name=pool, type="process", base_job_template=template))
            for tag, limit in CONCURRENCY_LIMITS.items():
                client.create_concurrency_limit(tag=tag, concurrency_limit=limit)
        yield server


@pytest.fixture(scope="session")
def deployed(prefect_server: LocalPrefect) -> LocalPrefect:
    """`prefect deploy --all` from the project folder, then a worker on each pool."""
    ok(prefect_server.prefect("--no-prompt", "deploy", "--all"))
    for pool in POOLS:
        prefect_server.start_worker(pool)
    return prefect_server


@pytest.fixture
def client(prefect_server: LocalPrefect) -> Iterator[SyncPrefectClient]:
    with temporary_settings({PREFECT_API_URL: prefect_server.api_url}), get_client(sync_client=True) as client:
        yield client


def ok(done) -> str:  # noqa: ANN001 - a CompletedProcess
    assert done.returncode == 0, f"{done.args}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    return done.stdout


def run_deployment_cli(server: LocalPrefect, name: str, *params: str, expect_ok: bool = True) -> str:
    """`prefect deployment run NAME -p ... --watch`; returns the flow run id."""
    done = server.prefect("deployment", "run", name, *params, "--watch", "--watch-interval", "1", timeout_s=300)
    if expect_ok:
        ok(done)
    else:
        assert done.returncode != 0, done.stdout[-2000:]
    return flow_run_id(done.stdout)


def flow_run_id(cli_output: str) -> str:
    match = re.search(r"UUID: ([0-9a-f-]{36})", cli_output)
    assert match, cli_output[-2000:]
    return match.group(1)


def output_dir(server: LocalPrefect) -> Path:
    return Path(server.env["P2V_OUTPUT_DIR"])
