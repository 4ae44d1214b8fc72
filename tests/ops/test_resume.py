"""Resume: after a failure in publish, a retry of the same flow run reuses every step that had finished."""

import time
from pathlib import Path

from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import State, TaskRun

from deployments.local_server import LocalPrefect
from tests.ops.conftest import SMALL_VIDEO, ok, output_dir, run_deployment_cli

# A retry of the same flow run keeps its request record and the system prompt version it started with.
CACHED_STEPS = {
    "record_request",
    "load_system_prompt",
    "generate_storyboard",
    "search_media",
    "narrate_scene",
    "merge_media",
    "compose_video",
}
BESIDE = "embed_request"  # runs beside the video's steps: finished or not when a later step fails, by the load


def test_retry_after_publish_failure_reuses_finished_steps_then_a_deleted_render_is_redone(
    deployed: LocalPrefect, client
) -> None:
    target = output_dir(deployed) / "resume-published"  # a run's output_dir must lie inside P2V_OUTPUT_DIR
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("a file where the output folder should be")  # publish fails: not a directory
    params = ["-p", "prompt=Snowy forest cabin at dusk", "-p", f"output_dir={target}", *SMALL_VIDEO]
    run_id = run_deployment_cli(deployed, "prompt-to-video/default", *params, expect_ok=False)
    first = _task_runs(client, run_id)
    [publish] = [t for t in first if t.task_key.startswith("publish_video")]
    assert publish.state.is_failed() and publish.run_count == 1  # a permanent error is not retried
    assert {_step(t) for t in first if t.state.is_completed()} - {BESIDE} == CACHED_STEPS

    target.unlink()
    target.mkdir()
    failed = client.read_flow_run(run_id).state
    ok(deployed.prefect("flow-run", "retry", run_id))
    assert _next_final_state(client, run_id, after=failed).is_completed()
    again = [t for t in _task_runs(client, run_id) if t.id not in {f.id for f in first}]
    states = {(_step(t), t.state.name) for t in again if _step(t) != BESIDE}
    completed = {("publish_video", "Completed"), ("record_lineage", "Completed")}
    assert states == {(step, "Cached") for step in CACHED_STEPS} | completed
    assert [t.state.name in ("Cached", "Completed") for t in again if _step(t) == BESIDE] == [True]
    assert len([t for t in again if _step(t) == "search_media"]) == 2
    assert len(list(target.glob("*/video.mp4"))) == 1

    # a render deleted since: a new run reuses everything up to compose, and composes again
    [compose] = [t for t in again if _step(t) == "compose_video"]
    render = Path(compose.state.result().path)
    render.unlink()
    rerun = run_deployment_cli(deployed, "prompt-to-video/default", *params)
    states = {_step(t): t.state.name for t in _task_runs(client, rerun)}
    assert states["merge_media"] == "Cached" and states["compose_video"] == "Completed"
    assert render.is_file()


def _next_final_state(client, flow_run_id: str, after: State, timeout_s: float = 300) -> State:  # noqa: ANN001
    """The first final state after `after` (the CLI's `flow-run watch` may still report the old one)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = client.read_flow_run(flow_run_id).state
        if state.id != after.id and state.is_final():
            return state
        time.sleep(1)
    raise TimeoutError(f"flow run {flow_run_id} did not finish again within {timeout_s:g} s")


def _task_runs(client, flow_run_id) -> list[TaskRun]:  # noqa: ANN001
    return client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))


def _step(task_run: TaskRun) -> str:
    return task_run.task_key.split("-")[0]
