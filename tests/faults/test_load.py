"""Load: 8 runs submitted at once through the REST API, against one Prefect server and one serving process.

Every run completes, none is lost, and neither the server nor the runs log "database is locked". The Prefect server
runs on Postgres, as in production (docker-compose.yml): on SQLite, a loaded machine made the server answer 503
("database is locked") to a task's concurrency-slot request past the client's retries, and a run failed.
"""

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from deployments.local_server import free_port, local_prefect_server
from tests.faults.conftest import run_records
from tests.prefect_waits import wait_for_deployment

TOKEN = "load-token-0123456789-abcdefghijklmnop"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RUNS = 8
SERVE = "from flows.prompt_to_video import prompt_to_video; prompt_to_video.serve(name='load', limit=8)"


@pytest.fixture
def api_url(short_dir: Path) -> Iterator[str]:
    """A Prefect server on the embedded Postgres, `prompt-to-video/load` served by one process, `p2v api` by another.

    Both run in `short_dir` (no .env of the checkout) and log into it."""
    with local_prefect_server(short_dir / "prefect", postgres=True) as prefect:
        port = free_port()
        env = {**prefect.env, "PREFECT_RUNNER_POLL_FREQUENCY": "1", "P2V_DATA_DIR": str(short_dir / "d"),
               "P2V_OUTPUT_DIR": str(short_dir / "out"), "P2V_VOICE": "silent", "P2V_X264_PRESET": "ultrafast",
               "P2V_API_TOKEN": TOKEN, "P2V_API_DEPLOYMENT": "prompt-to-video/load",
               "P2V_API_MAX_RUNS": str(RUNS), "P2V_API_MAX_RUNS_PER_USER": str(RUNS)}  # fmt: skip
        p2v = str(Path(sys.executable).with_name("p2v"))
        commands = {"serve": [sys.executable, "-c", SERVE], "api": [p2v, "api", "--port", str(port)]}
        with ExitStack() as stack, temporary_settings({PREFECT_API_URL: prefect.api_url}):
            for name, command in commands.items():
                log = stack.enter_context((short_dir / f"{name}.log").open("wb"))
                process = subprocess.Popen(command, cwd=short_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
                stack.callback(_stop, process)
            wait_for_deployment("prompt-to-video/load")
            url = f"http://127.0.0.1:{port}"
            _wait_until_listening(url)
            yield url


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def _wait_until_listening(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            httpx.get(f"{url}/docs", timeout=5)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "p2v api did not start (see api.log)"
            time.sleep(0.5)


async def _submit_all(url: str) -> list[str]:
    async with httpx.AsyncClient(base_url=url, headers=AUTH, timeout=60) as client:
        bodies = [{"prompt": f"Create a video about load test number {i}", "scenes": 2, "duration_s": 5}
                  for i in range(RUNS)]  # fmt: skip
        answers = await asyncio.gather(*(client.post("/api/process/", json=body) for body in bodies))
    assert [a.status_code for a in answers] == [202] * RUNS, [a.text for a in answers]
    return [a.json()["task_id"] for a in answers]


def _wait_until_all_finished(url: str, task_ids: list[str], timeout_s: float = 420) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    with httpx.Client(base_url=url, headers=AUTH, timeout=30) as client:
        while True:
            statuses = [client.get(f"/api/tasks/{t}/").json() for t in task_ids]
            if all(s["finished"] for s in statuses):
                return statuses
            assert time.monotonic() < deadline, [s["state"] for s in statuses]
            time.sleep(2)


def _failure(status: dict) -> str:
    """A failed run's step, error and last log lines, in full (pytest would cut a long repr short)."""
    logs = "\n".join(run_records(status["task_id"])["logs"][-30:])
    return f"step {status['failed_step']}: {status['error']}\n{logs}"


def test_eight_runs_submitted_at_once_all_complete(api_url: str, short_dir: Path) -> None:
    task_ids = asyncio.run(_submit_all(api_url))
    assert len(set(task_ids)) == RUNS

    statuses = _wait_until_all_finished(api_url, task_ids)

    failed = [s for s in statuses if s["state"] != "COMPLETED"]
    assert not failed, "\n\n".join(_failure(s) for s in failed)
    videos = sorted((short_dir / "out").glob("users/admin/*/video.mp4"))  # API runs publish per user
    assert len(videos) == RUNS, "one published video per run, none lost"
    logs = [line for t in task_ids for line in run_records(t)["logs"]]
    served = "".join((short_dir / f"{name}.log").read_text(errors="replace") for name in ("serve", "api"))
    assert logs and "database is locked" not in "\n".join(logs) + served
