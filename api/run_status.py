"""What GET /api/tasks/<id>/ answers: a flow run's state, each step's state and timing, the outcome."""

from uuid import UUID

from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.client.schemas.objects import FlowRun, TaskRun
from prefect.client.schemas.sorting import TaskRunSort
from pydantic import BaseModel

SAFE_MESSAGE_CHARS = 600


class StepStatus(BaseModel):
    name: str
    state: str
    duration_s: float | None


class TaskStatus(BaseModel):
    """The seed's task status, read from the Prefect flow run behind it."""

    task_id: UUID
    state: str
    finished: bool
    steps: list[StepStatus]
    video_url: str | None = None
    failed_step: str | None = None
    error: str | None = None


async def read_task_status(client: PrefectClient, flow_run: FlowRun) -> TaskStatus:
    task_runs = await client.read_task_runs(
        flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id])), sort=TaskRunSort.EXPECTED_START_TIME_ASC
    )
    state = flow_run.state
    status = TaskStatus(
        task_id=flow_run.id,
        state=state.type.value if state else "PENDING",
        finished=bool(state and state.is_final()),
        steps=[_step(run) for run in task_runs],
    )
    if state and state.is_completed():
        status.video_url = await _video_link(client, flow_run.id)
    elif state and (state.is_failed() or state.is_crashed()):
        failed = next((r for r in task_runs if r.state and (r.state.is_failed() or r.state.is_crashed())), None)
        status.failed_step = failed.name if failed else "flow"
        message = (failed.state.message if failed else state.message) or state.name
        status.error = message[:SAFE_MESSAGE_CHARS]
    return status


def _step(run: TaskRun) -> StepStatus:
    duration = run.total_run_time.total_seconds() if run.total_run_time else None
    return StepStatus(name=run.name, state=run.state.name if run.state else "Pending", duration_s=duration)


async def _video_link(client: PrefectClient, flow_run_id: UUID) -> str | None:
    artifacts = await client.read_artifacts(
        artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]), key=ArtifactFilterKey(any_=["video"])
        )
    )
    return _link_target(artifacts[0].data) if artifacts else None


def _link_target(markdown: object) -> str | None:
    """The URL inside a link artifact's markdown `[text](url)`."""
    text = str(markdown)
    start = text.rfind("](")
    return text[start + 2 : -1] if start != -1 and text.endswith(")") else text or None
