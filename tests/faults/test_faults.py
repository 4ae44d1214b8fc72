"""Faults injected into real runs: each run completes (retries, fallback) or fails naming the failed step,
and a failed run leaves no video at a final path.

Stock 429 / 500 / malformed JSON / refused keys are in tests/flows/test_providers_flow.py; YouTube 5xx, quota and
no-duplicate-upload in tests/flows/test_youtube_flow.py; the database restarted during a run in
test_database_restart.py; the flow-run process killed during compose, then retried, in tests/ops/test_crash.py.
Here: stock timeouts, LLM and TTS errors, ffmpeg failing and hanging, and the database down at flow start.
"""

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
from prefect.states import State

from flows.prompt_to_video import prompt_to_video
from services.ffmpeg import run_ffmpeg
from services.settings import get_settings
from tests.fakes.openai_api import storyboard_json
from tests.fakes.stock_apis import OPENAI_KEY, FakeAPI, Fault
from tests.faults.conftest import failed_task_names, files_under, forget_database, run_records

Run = Callable[..., State]
SCENES = [("Red foxes live in the snow.", "red fox snow", 2.0), ("A fox hunts in winter.", "fox hunting snow", 2.0)]


@pytest.fixture
def env(stock_env: FakeAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeAPI:
    """The fakes, a storyboard of two scenes queued, no local media."""
    for name in ("P2V_FFMPEG_TIMEOUT_S", "P2V_VOICE", "P2V_MEDIA_PROVIDERS", "P2V_HTTP_TIMEOUT_S", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("P2V_MEDIA_DIR", str(tmp_path / "media"))
    stock_env.storyboards.append(storyboard_json(SCENES))
    return stock_env


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """Run the flow (2 scenes, 5 s) into tmp_path/out with extra environment variables set for this test."""

    def run_with(prompt: str, **env: str) -> State:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("P2V_OUTPUT_DIR", str(tmp_path / "out"))  # a run's output_dir must lie inside it
        get_settings.cache_clear()
        return prompt_to_video(prompt=prompt, scenes=2, duration_s=5, output_dir=tmp_path / "out", return_state=True)

    return run_with


def _assert_failed_at(state: State, step: str, out: Path) -> str:
    assert state.is_failed(), state
    assert any(name.startswith(step) for name in failed_task_names(state.state_details.flow_run_id))
    assert [p for p in files_under(out) if p.suffix == ".mp4"] == [], "no video at a final path"
    return state.message or ""


def test_a_stock_provider_timing_out_falls_back_to_the_next_provider(env: FakeAPI, run: Run, tmp_path: Path) -> None:
    env.fail("pexels", *[Fault(200, b"{}", delay_s=2.0)] * 6)  # every try of both scenes times out
    state = run("Red foxes, pexels times out", P2V_HTTP_TIMEOUT_S="0.4")
    assert state.is_completed(), state.message
    assert len(env.requests("pexels")) == 6, "each scene tried Pexels three times"
    assert env.requests("pixabay")
    assert (Path(state.result().url.removeprefix("file://"))).is_file()


def test_an_llm_500_is_retried_and_the_run_completes(env: FakeAPI, run: Run, tmp_path: Path) -> None:
    env.fail("chat", Fault(500))
    state = run("Red foxes, the LLM fails once")
    assert state.is_completed(), state.message
    assert len(env.requests("chat")) == 2


def test_a_refused_llm_key_fails_the_run_at_the_storyboard(env: FakeAPI, run: Run, tmp_path: Path) -> None:
    env.fail("chat", Fault(401, b'{"error": {"message": "Incorrect API key provided"}}'))
    state = run("Red foxes, the LLM refuses the key")
    message = _assert_failed_at(state, "generate_storyboard", tmp_path / "out")
    assert "OPENAI_API_KEY" in message and OPENAI_KEY not in message
    assert len(env.requests("chat")) == 1, "a refused key is asked once: no client retry, no task retry"
    assert _run_counts(state, "generate_storyboard") == [1]


def test_a_refused_openai_key_fails_the_run_at_its_first_openai_call(
    env: FakeAPI, run: Run, tmp_path: Path, fresh_store: None
) -> None:
    """With a key set, OpenAI also embeds the request for the prompt store: that call comes first."""
    state = run("Red foxes, wrong key", OPENAI_API_KEY="sk-wrong-key")
    message = _assert_failed_at(state, "record_request", tmp_path / "out")
    assert "OPENAI_API_KEY" in message and "sk-wrong-key" not in message and OPENAI_KEY not in message
    assert len(env.requests("embeddings")) == 1 and env.requests("chat") == []
    assert _run_counts(state, "record_request") == [1], "a refused key is not retried"


def _run_counts(state: State, task: str) -> list[int]:
    runs = [json.loads(t) for t in run_records(state.state_details.flow_run_id)["task_runs"]]
    return [t["run_count"] for t in runs if t["name"].startswith(task)]


def test_a_tts_outage_fails_the_run_naming_the_narration(env: FakeAPI, run: Run, tmp_path: Path) -> None:
    env.storyboards[0] = storyboard_json([("Foxes sleep.", "red fox snow", 2.0), ("Foxes wake.", "fox snow", 2.0)])
    env.fail("speech", *[Fault(500)] * 40)  # new narration texts, so no cached narration can stand in
    state = run("Red foxes, TTS is down")
    message = _assert_failed_at(state, "narrate-scene", tmp_path / "out")
    assert "speech failed (after retries)" in message


def test_a_corrupt_local_media_file_fails_compose_naming_it(env: FakeAPI, run: Run, tmp_path: Path) -> None:
    png = tmp_path / "red.png"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=960x540", "-frames:v", "1", str(png)], timeout_s=60, what="png")
    (tmp_path / "media").mkdir()
    corrupt = tmp_path / "media" / "red-fox-snow.png"
    corrupt.write_bytes(png.read_bytes()[:100] + os.urandom(4000))  # a valid header (it probes), garbage pixels
    state = run("Red foxes, corrupt media", P2V_MEDIA_PROVIDERS="local", P2V_VOICE="silent")
    message = _assert_failed_at(state, "compose_video", tmp_path / "out")
    assert "rendering the video failed" in message, message


def test_a_fifo_in_the_media_folder_is_skipped_and_never_opened(env: FakeAPI, run: Run, tmp_path: Path) -> None:
    """A FIFO would block ffmpeg (and a search's probe) forever: the media folder skips it without opening it."""
    env.storyboards[0] = storyboard_json([("Red foxes.", "red fox", 2.0), ("Winter.", "winter forest", 2.0)])
    fifo = tmp_path / "media" / "red.png"  # matches scene 0 by its name
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    state = run("Red foxes, a FIFO", P2V_MEDIA_PROVIDERS="local", P2V_VOICE="silent", P2V_FFMPEG_TIMEOUT_S="4")
    assert state.is_completed(), state.message
    folder = Path(url2pathname(urlparse(state.result().url).path)).parent
    assert "red.png" not in (folder / "metadata.json").read_text(encoding="utf-8")


def test_ffmpeg_running_past_its_timeout_is_killed_and_fails_compose(env: FakeAPI, run: Run, tmp_path: Path) -> None:
    state = run("Red foxes, a slow render", P2V_VOICE="silent", P2V_FFMPEG_TIMEOUT_S="0.5")
    message = _assert_failed_at(state, "compose_video", tmp_path / "out")
    assert "ran past its 0.5 s timeout and was killed" in message


def test_the_database_down_at_flow_start_fails_at_record_request(env: FakeAPI, run: Run, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://p2v:db-PASSWORD-42@127.0.0.1:{port}/p2v"
    forget_database()  # the store is per process; a fresh worker process reads DATABASE_URL anew
    try:
        state = run("Red foxes, no database", DATABASE_URL=url)
    finally:
        forget_database()
    message = _assert_failed_at(state, "record_request", tmp_path / "out")
    assert "db-PASSWORD-42" not in message
    assert files_under(tmp_path / "out") == []
    assert env.requests("chat") == [], "nothing ran after the failed step"
