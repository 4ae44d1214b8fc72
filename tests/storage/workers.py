"""Running a worker of the storage tests in its own process, and reading what its flow run did."""

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.settings import PREFECT_API_URL

from tests.storage.conftest import S3Server

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "Lanterns over a night market"


def worker_env(folder: Path, s3: S3Server, bucket: str, database_url: str, **extra: str) -> dict[str, str]:
    """A worker's environment: the bucket, the Prefect API and the database shared; data and scratch its own."""
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


def start_worker(module: str, *args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`python -m module args` from the clone's root, its output appended to `log`, in a session of its own so that
    stop_worker reaches what it starts (a served deployment runs each flow run in a child process)."""
    command = [sys.executable, "-m", module, *args]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_worker(process: subprocess.Popen, timeout_s: float = 60) -> int:
    """SIGTERM to the worker's process group unless it has ended; its exit code (killed when it outlasts
    `timeout_s`)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


def run_flow(env: dict[str, str], log: Path, **request: object) -> dict:
    """The flow run by `tests.storage.worker run` in a process of its own (`request`: fields replacing the small
    defaults); its outcome (asserted completed)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.storage.worker", "run", PROMPT, json.dumps(request)],
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


def step_states(run_id: str, steps: tuple[str, ...]) -> Counter:
    """(task name, state name) -> how many task runs of the flow run `run_id`, for the tasks named in `steps`."""
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))
    return Counter((r.task_key.split("-")[0], r.state.name) for r in runs if r.task_key.split("-")[0] in steps)


def published(outcome: dict) -> Path:
    return Path(url2pathname(urlparse(outcome["publication"]["url"]).path))
