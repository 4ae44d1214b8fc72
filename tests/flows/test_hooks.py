"""A failed run notifies through a Prefect webhook block: a loopback receiver gets the flow, run, step, message."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from prefect import flow, task

from flows.batch import batch_videos
from flows.hooks import notify_failure
from flows.prompt_to_video import prompt_to_video
from services.settings import get_settings

SECRET = "pexels-key-0123456789abcdef"

pytestmark = pytest.mark.usefixtures("prefect_harness")


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint on loopback that keeps every JSON body it is sent."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.paths: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/p2v"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        self.server.paths.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("PEXELS_API_KEY", SECRET)
    get_settings.cache_clear()
    yield server
    server.shutdown()
    get_settings.cache_clear()


@task(name="search_media")
def leaky_step() -> None:
    raise RuntimeError(f"provider refused key {SECRET} for scene 2")


@flow(name="hooked-video", flow_run_name="video-hook-test", on_failure=[notify_failure])
def hooked_flow() -> None:
    leaky_step()


def test_a_failed_run_posts_flow_run_step_and_message_without_secrets(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("P2V_NOTIFY_WEBHOOK_URL", receiver.url)
    get_settings.cache_clear()

    state = hooked_flow(return_state=True)

    assert state.is_failed()
    [notice] = receiver.received
    assert receiver.paths == ["/hooks/p2v"]
    assert notice["subject"] == "prompt-to-video: hooked-video run video-hook-test failed"
    body = notice["body"]
    assert "Flow hooked-video, run video-hook-test" in body
    assert str(state.state_details.flow_run_id) in body
    assert "at step search_media-" in body, "the failed task run is named"
    assert "provider refused key *** for scene 2" in body
    assert SECRET not in json.dumps(notice)


def test_without_a_webhook_nothing_is_sent(receiver: Receiver) -> None:
    state = hooked_flow(return_state=True)
    assert state.is_failed()
    assert receiver.received == []


def test_the_video_and_batch_flows_carry_the_hook() -> None:
    for hooked in (prompt_to_video, batch_videos):
        assert notify_failure in hooked.on_failure_hooks and notify_failure in hooked.on_crashed_hooks
