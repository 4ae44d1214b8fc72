"""The batch fans out to a served video deployment (limit 2): two videos overlap, a failing one stops no other."""

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.settings import PREFECT_API_URL

from flows.batch import batch_videos
from services.batch import PromptOutcome
from tests.prefect_waits import wait_for_deployment

DEPLOYMENT = "prompt-to-video/fanout-test"
SERVE = (
    "import sys; from flows.prompt_to_video import prompt_to_video; prompt_to_video.serve(name=sys.argv[1], limit=2)"
)
GOOD = ["Lighthouse in a storm", "Desert road at noon"]

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def served(prefect_harness, tmp_path_factory) -> Iterator[Path]:
    """The video flow served from its own process (two runs at a time), like one worker with two slots."""
    root = tmp_path_factory.mktemp("fanout")
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "P2V_DATA_DIR": str(root / "d"),
        "P2V_OUTPUT_DIR": str(root / "output"),
        "P2V_X264_PRESET": "ultrafast",
    }
    server = subprocess.Popen([sys.executable, "-c", SERVE, DEPLOYMENT.split("/")[1]], env=env)
    try:
        wait_for_deployment(DEPLOYMENT)
        yield root / "output"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_videos_run_at_once_as_named_runs_and_a_failure_stops_no_other(served: Path) -> None:
    state = batch_videos(
        prompts=[*GOOD, "   "],
        max_parallel=2,
        aspect="1:1",
        scenes=2,
        duration_s=5,
        deployment=DEPLOYMENT,
        return_state=True,
    )

    assert state.is_failed() and "1 of 3 prompts failed" in state.message
    children = asyncio.run(_children(state.state_details.flow_run_id))
    made = [r for r in children if r.state.is_completed()]
    assert sorted(r.name for r in made) == ["video-desert-road-at-noon", "video-lighthouse-in-a-storm"]
    assert all(Path(r.state.result().url.removeprefix("file://")).parent.parent == served for r in made)
    first, second = made
    assert first.start_time < second.end_time and second.start_time < first.end_time, "the two videos overlap"
    assert len(children) == 2, "the server refused a run for the blank prompt"
    [refused] = [o for o in _outcomes(state) if o.status == "failed"]
    assert refused.prompt == "   " and "refused the run" in refused.error and "prompt" in refused.error
    placeholders = asyncio.run(_task_run_names(state.state_details.flow_run_id))
    assert {"video-lighthouse-in-a-storm", "video-desert-road-at-noon"} <= placeholders
    logged = asyncio.run(_log_lines(first.id))
    for step_line in (r"^planner \w+ v\d+: 2 scenes", r"^scene 0: ", r"^timeline: 2 clips", r"^rendered (\d+)x\1, "):
        assert any(re.search(step_line, line) for line in logged), (step_line, logged)
    assert f"video at {Path(first.state.result().url.removeprefix('file://'))}" in logged


def _outcomes(state) -> list:  # noqa: ANN001 - the batch's Failed state
    async def read() -> list:
        async with get_client() as prefect:
            only = ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
                key=ArtifactFilterKey(any_=["batch-outcomes"]),
            )
            return await prefect.read_artifacts(artifact_filter=only)

    [table] = asyncio.run(read())
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    return [PromptOutcome.model_validate(row) for row in rows]


async def _children(parent_id) -> list:  # noqa: ANN001
    async with get_client() as prefect:
        return await prefect.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id]))
        )


async def _task_run_names(flow_run_id) -> set[str]:  # noqa: ANN001
    async with get_client() as prefect:
        runs = await prefect.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
        return {r.name for r in runs}


async def _log_lines(flow_run_id) -> list[str]:  # noqa: ANN001
    async with get_client() as prefect:
        logs = await prefect.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        return [log.message for log in logs]
