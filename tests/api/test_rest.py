"""The seed's REST contract against a real Prefect server (the test harness) and a served deployment."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL

from api.auth import ADMIN_USER
from api.rest import create_app
from prompt_store import get_store
from services.settings import Settings
from tests.prefect_waits import wait_for_deployment

TOKEN = "test-token-0123456789-abcdefghijklmnop"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SERVE = "import sys; from flows.prompt_to_video import prompt_to_video; prompt_to_video.serve(name=sys.argv[1])"

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(Settings(api_token=TOKEN, api_max_runs=2)))


@pytest.fixture(scope="module")
def served_deployment(prefect_harness, tmp_path_factory) -> Iterator[Path]:
    """Two deployments served by separate processes, as `prefect deployment run` would reach them:
    `prompt-to-video/default` (sharing this process's output folder and database, as the API needs), and
    `prompt-to-video/broken-output` whose output folder is a file. Yields that broken output folder."""
    out = tmp_path_factory.mktemp("served")
    (out / "not-a-folder").write_text("")
    broken = out / "not-a-folder" / "x"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    servers = [
        subprocess.Popen([sys.executable, "-c", SERVE, name], env={**env, "P2V_OUTPUT_DIR": str(output)})
        for name, output in [("default", Settings().output_dir), ("broken-output", broken)]
    ]
    try:
        wait_for_deployment("prompt-to-video/default")
        wait_for_deployment("prompt-to-video/broken-output")
        yield broken
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def _flow_run_count() -> int:
    import asyncio

    async def count() -> int:
        async with get_client() as prefect:
            return len(await prefect.read_flow_runs())

    return asyncio.run(count())


def test_the_api_refuses_to_start_with_a_short_token() -> None:
    with pytest.raises(RuntimeError, match="P2V_API_TOKEN"):
        create_app(Settings(api_token="test-token-0123456789"))


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_requests_without_a_valid_token_get_401_and_create_nothing(client: TestClient, headers: dict) -> None:
    before = _flow_run_count()
    response = client.post("/api/process/", json={"prompt": "Create a video about AI"}, headers=headers)
    assert response.status_code == 401
    assert client.get(f"/api/tasks/{UUID(int=1)}/", headers=headers).status_code == 401
    assert _flow_run_count() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"prompt": ""},
        {"prompt": "   "},
        {"prompt": "a\u0000b"},
        {"prompt": "x" * 2001},
        {"prompt": 42},
        {"prompt": "ok", "aspect": "4:3"},
        {"prompt": "ok", "scenes": -1},
        {"prompt": "ok", "scenes": 10**9},
        {"prompt": "ok", "duration_s": "long"},
        {"prompt": "ok", "unexpected": True},
    ],
)
def test_bad_input_gets_422_and_creates_nothing(client: TestClient, body: dict) -> None:
    before = _flow_run_count()
    response = client.post("/api/process/", json=body, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert _flow_run_count() == before


def test_unknown_task_is_404(client: TestClient) -> None:
    assert client.get(f"/api/tasks/{UUID(int=7)}/", headers=AUTH).status_code == 404


def test_openapi_is_published(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/process/", "/api/tasks/{task_id}/"} <= set(paths)


def test_post_starts_a_run_and_get_reports_steps_and_video(client: TestClient, served_deployment: Path) -> None:
    prompt = 'Make a video about "quoted" words; DROP TABLE users;--'
    accepted = client.post("/api/process/", json={"prompt": prompt, "scenes": 4, "duration_s": 8}, headers=AUTH)
    assert accepted.status_code == 202
    status = _wait_until_finished(client, accepted.json()["task_id"])

    assert status["state"] == "COMPLETED", status
    assert status["video_url"] == f"/api/videos/{accepted.json()['task_id']}"
    video = client.get(status["video_url"], headers=AUTH)
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    part = client.get(status["video_url"], headers={**AUTH, "Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == video.content[:100]
    assert get_store().lineage(accepted.json()["task_id"]).username == ADMIN_USER  # the caller is the user
    names = [step["name"] for step in status["steps"]]
    order = [n.split("-")[0] for n in names]  # the prompt store's steps come first and last since it joined the flow
    assert order[0] == "record_request" and order[-1] == "record_lineage"
    assert order.index("generate_storyboard") < order.index("compose_video") < order.index("publish_video")
    assert sorted(n for n in names if n.startswith("search-media")) == [f"search-media-{i}" for i in range(4)]
    assert all(step["state"] == "Completed" and step["duration_s"] is not None for step in status["steps"])


def test_a_failed_run_names_the_failed_step(served_deployment: Path) -> None:
    settings = Settings(api_token=TOKEN, api_deployment="prompt-to-video/broken-output", output_dir=served_deployment)
    broken = TestClient(create_app(settings))
    accepted = broken.post("/api/process/", json={"prompt": "Create a video about AI", "scenes": 2}, headers=AUTH)
    status = _wait_until_finished(broken, accepted.json()["task_id"])

    assert status["state"] == "FAILED"
    assert status["failed_step"].startswith("publish_video")
    assert "Not a directory" in status["error"] and str(served_deployment.parent) not in status["error"]
    assert status["video_url"] is None
    done = [step["name"].split("-")[0] for step in status["steps"] if step["state"] == "Completed"]
    assert {"generate_storyboard", "merge_media", "compose_video"} <= set(done)


def _wait_until_finished(client: TestClient, task_id: str, timeout_s: float = 300) -> dict:
    deadline = time.monotonic() + timeout_s
    while not (status := client.get(f"/api/tasks/{task_id}/", headers=AUTH).json())["finished"]:
        assert time.monotonic() < deadline, status
        time.sleep(1)
    return status
