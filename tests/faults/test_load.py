"""Load: 8 runs submitted at once through the REST API, against one Prefect server and one serving process.

Every run completes, none is lost, and neither the server nor the runs log "database is locked".
"""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from prefect.settings import PREFECT_API_URL

from api.rest import create_app
from services.settings import Settings
from tests.faults.conftest import run_records
from tests.prefect_waits import wait_for_deployment

TOKEN = "load-token-0123456789-abcdefghijklmnop"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RUNS = 8
SERVE = "from flows.prompt_to_video import prompt_to_video; prompt_to_video.serve(name='load', limit=8)"


@pytest.fixture
def api_url(prefect_harness: None, short_dir: Path) -> Iterator[str]:
    """`prompt-to-video/load` served by one process, and the REST API on a loopback port in a thread."""
    log = (short_dir / "serve.log").open("wb")
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_RUNNER_POLL_FREQUENCY": "1",
           "P2V_DATA_DIR": str(short_dir / "d"), "P2V_OUTPUT_DIR": str(short_dir / "out"),
           "P2V_VOICE": "silent", "P2V_X264_PRESET": "ultrafast"}  # fmt: skip
    server = subprocess.Popen([sys.executable, "-c", SERVE], env=env, stdout=log, stderr=subprocess.STDOUT)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings = Settings(
        _env_file=None, api_token=TOKEN, api_deployment="prompt-to-video/load", output_dir=short_dir / "out",
        api_max_runs=RUNS, api_max_runs_per_user=RUNS,
    )  # fmt: skip
    app = create_app(settings)
    api = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=api.run, daemon=True).start()
    try:
        wait_for_deployment("prompt-to-video/load")
        yield f"http://127.0.0.1:{port}"
    finally:
        api.should_exit = True
        server.terminate()
        server.wait(timeout=30)
        log.close()


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


def test_eight_runs_submitted_at_once_all_complete(api_url: str, short_dir: Path) -> None:
    task_ids = asyncio.run(_submit_all(api_url))
    assert len(set(task_ids)) == RUNS

    statuses = _wait_until_all_finished(api_url, task_ids)

    assert [s["state"] for s in statuses] == ["COMPLETED"] * RUNS, statuses
    videos = sorted((short_dir / "out").glob("users/admin/*/video.mp4"))  # API runs publish per user
    assert len(videos) == RUNS, "one published video per run, none lost"
    logs = [line for t in task_ids for line in run_records(t)["logs"]]
    served = (short_dir / "serve.log").read_text(errors="replace")
    assert logs and "database is locked" not in "\n".join(logs) + served
