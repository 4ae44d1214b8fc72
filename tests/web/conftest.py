"""One real stack per module for the browser tests: the Prefect test server, a served deployment (offline,
ultrafast x264), `p2v api`'s app under uvicorn on loopback, and Debian's Chromium driven by Playwright."""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from prefect.settings import PREFECT_API_URL

from api.rest import create_app
from prompt_store.users import UserHasToken, get_user_tokens
from services.ffmpeg import run_ffmpeg
from services.settings import Settings
from tests.prefect_waits import wait_for_deployment

DEPLOYMENT = "web"
SERVE = "import sys; from flows.prompt_to_video import prompt_to_video; prompt_to_video.serve(name=sys.argv[1])"
CREDIT = "Photo by Web Test"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def chromium_path() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


@pytest.fixture(scope="module")
def served(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`prompt-to-video/web` served by its own process, sharing this process's output folder and database; its
    media folder holds one credited photo of a fox (so a scene gets footage with a credit) and nothing else."""
    media = tmp_path_factory.mktemp("web-media")
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=s=1920x1080", "-frames:v", "1", str(media / "red-fox-snow.jpg")],
        timeout_s=60,
        what="test photo",
    )
    sidecar = {"keywords": ["red fox", "fox", "snow", "hunting"], "attribution": CREDIT, "license": "CC0"}
    (media / "red-fox-snow.json").write_text(json.dumps(sidecar))
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "P2V_X264_PRESET": "ultrafast",
        "P2V_OUTPUT_DIR": str(Settings().output_dir),
        "P2V_MEDIA_DIR": str(media),
    }
    server = subprocess.Popen([sys.executable, "-c", SERVE, DEPLOYMENT], env=env)
    try:
        wait_for_deployment(f"prompt-to-video/{DEPLOYMENT}")
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def web_url(served: None) -> Iterator[str]:
    """The API app (pages included) under uvicorn on a free loopback port."""
    app = create_app(Settings(api_deployment=f"prompt-to-video/{DEPLOYMENT}", api_max_runs_per_user=4))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def tokens() -> dict[str, str]:
    users = get_user_tokens()
    made = {}
    for name in ("webalice", "webbob"):
        try:
            made[name] = users.add(name)
        except UserHasToken:
            made[name] = users.rotate(name)
    return made


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("P2V_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
