"""The flow-run process killed (SIGKILL, with its ffmpeg) while it composes: the process worker reports the run
Crashed, and `prefect flow-run retry` finishes it, reusing every step before compose and publishing once."""

import os
import signal
import time
from pathlib import Path

import httpx
from prefect.client.schemas.objects import FlowRun

from deployments.local_server import LocalPrefect
from tests.ops.conftest import ok, output_dir
from tests.ops.test_resume import BESIDE, _next_final_state, _step, _task_runs

PROMPT = "Lanterns over a night market"
REUSED_STEPS = {"record_request", "load_system_prompt", "generate_storyboard", "search_media", "narrate_scene"}


def test_a_run_killed_during_compose_crashes_and_its_retry_composes_again_and_publishes_once(
    deployed: LocalPrefect, client
) -> None:
    out = output_dir(deployed) / "crash-published"  # a run's output_dir must lie inside P2V_OUTPUT_DIR
    deployment = client.read_deployment_by_name("prompt-to-video/default")
    parameters = {"prompt": PROMPT, "aspect": "1:1", "scenes": 2, "duration_s": 5, "output_dir": str(out)}
    run = client.create_flow_run_from_deployment(deployment.id, parameters=parameters)

    data_dir = Path(deployed.env["P2V_DATA_DIR"])
    ffmpeg = _wait_for_render(client, run, data_dir)
    group = os.getpgid(ffmpeg)
    assert group == int(client.read_flow_run(run.id).infrastructure_pid.rsplit(":", 1)[-1])
    os.killpg(group, signal.SIGKILL)  # the flow-run process leads its own group, ffmpeg included

    crashed = _wait_for_state(client, run, "CRASHED")
    assert "SIGKILL" in (crashed.message or ""), crashed.message
    # Prefect 3.9's process worker reports the crash a second time when it is done with the process; a retry
    # before that would be marked Crashed by that late report, so wait for the worker's executed-flow-run event
    _wait_for_worker_event(deployed, run)
    crashed = client.read_flow_run(run.id).state
    first = _task_runs(client, run.id)
    assert {_step(t) for t in first if t.state.is_completed()} - {BESIDE} == REUSED_STEPS | {"merge_media"}
    assert not out.exists(), "nothing was published"
    leftovers = list(data_dir.rglob(".*.partial.*"))
    assert leftovers, "the killed render left its partial files"

    ok(deployed.prefect("flow-run", "retry", str(run.id)))
    assert _next_final_state(client, str(run.id), after=crashed).is_completed()
    again = [t for t in _task_runs(client, run.id) if t.id not in {f.id for f in first}]
    states = {(_step(t), t.state.name) for t in again if _step(t) != BESIDE}
    redone = {("compose_video", "Completed"), ("publish_video", "Completed"), ("record_lineage", "Completed")}
    assert states == {(step, "Cached") for step in REUSED_STEPS | {"merge_media"}} | redone
    assert [t.state.name in ("Cached", "Completed") for t in again if _step(t) == BESIDE] == [True]
    [folder] = out.iterdir()  # one publication
    assert sorted(p.name for p in folder.iterdir()) == [
        "captions.srt",
        "contact_sheet.png",
        "metadata.json",
        "thumbnail.jpg",
        "video.mp4",
    ]
    [compose] = [t for t in again if _step(t) == "compose_video"]
    render = Path(compose.state.result().path).parent
    assert {p.parent for p in leftovers} == {render}
    assert [p.name for p in render.iterdir() if p.name.startswith(".")] == [], "the retry removed them"


def _wait_for_render(client, run: FlowRun, data_dir: Path, timeout_s: float = 240) -> int:  # noqa: ANN001
    """The pid of the ffmpeg that encodes this run's video, once compose_video is Running."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        composing = any(_step(t) == "compose_video" and t.state.is_running() for t in _task_runs(client, run.id))
        pid = composing and _encoding_ffmpeg(data_dir)
        if pid:
            return pid
        time.sleep(0.1)
    raise TimeoutError(f"flow run {run.id} never started encoding; state {client.read_flow_run(run.id).state}")


def _encoding_ffmpeg(data_dir: Path) -> int | None:
    """An ffmpeg process writing a partial video under `data_dir` (this server's work folder, not another test's)."""
    for entry in Path("/proc").iterdir():
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0") if entry.name.isdigit() else []
        except OSError:
            continue
        ffmpeg = bool(args) and b"ffmpeg" in args[0].rsplit(b"/", 1)[-1]
        if ffmpeg and any(str(data_dir).encode() in a and a.endswith(b".partial.mp4") for a in args):
            return int(entry.name)
    return None


def _wait_for_worker_event(server: LocalPrefect, run: FlowRun, timeout_s: float = 120) -> None:
    query = {
        "filter": {
            "event": {"name": ["prefect.worker.executed-flow-run"]},
            "any_resource": {"id": [f"prefect.flow-run.{run.id}"]},
        },
        "limit": 1,
    }
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        answer = httpx.post(f"{server.api_url}/events/filter", json=query, timeout=10)
        answer.raise_for_status()
        if answer.json()["events"]:
            return
        time.sleep(0.5)
    raise TimeoutError(f"the worker never reported that it finished with flow run {run.id}")


def _wait_for_state(client, run: FlowRun, state_type: str, timeout_s: float = 120):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = client.read_flow_run(run.id).state
        if state and state.type.value == state_type:
            return state
        time.sleep(0.5)
    raise TimeoutError(f"flow run {run.id} is {client.read_flow_run(run.id).state}, never {state_type}")
