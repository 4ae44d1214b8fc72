"""What GET /api/tasks/<id>/ answers: a flow run's state, each step's state and timing, the outcome."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime
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
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_URL_CREDENTIALS = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@]*):[^\s/@]+@")
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|authorization)\s*[=:]\s*(?!\*\*\*)[^\s,;&'\"]+"
)
_BEARER = re.compile(r"(?i)bearer\s+[a-z0-9._~+/=-]{8,}")
_ABSOLUTE_PATH = re.compile(r"(?<![^\s'\"(=\[])(?:file://)?/(?:[^\s/'\"]+/)*(?P<name>[^\s/'\"]*)")


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


async def read_task_status(client: PrefectClient, flow_run: FlowRun, *, secrets: Sequence[str] = ()) -> TaskStatus:
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
        link = await video_link(client, flow_run.id)
        status.video_url = f"/api/videos/{flow_run.id}" if link and link.startswith("file:") else link
    elif state and (state.is_failed() or state.is_crashed()):
        failed = decisive_failure(state.message or "", task_runs)
        status.failed_step = failed.name if failed else "flow"
        message = (failed.state.message if failed and failed.state else state.message) or state.name or "failed"
        status.error = scrub(message, secrets)[:SAFE_MESSAGE_CHARS]
    return status


def decisive_failure(flow_message: str, task_runs: list[TaskRun]) -> TaskRun | None:
    """The failed task whose exception failed the flow: a tolerated failure (one search provider) carries another
    exception than the flow's final state, so it is passed over. The latest matching task wins."""
    cause = _exception_text(flow_message)
    failed = [r for r in task_runs if r.state and (r.state.is_failed() or r.state.is_crashed())]
    failed.sort(key=lambda r: r.end_time or r.expected_start_time or _EPOCH, reverse=True)
    return next((r for r in failed if cause and r.state and _exception_text(r.state.message or "") == cause), None)


def _exception_text(message: str) -> str:
    """`Task run encountered an exception X: y` / `Flow run encountered an exception: X: y` -> `X: y`."""
    _, marker, rest = message.partition("encountered an exception")
    return rest.removeprefix(":").strip() if marker else ""


def scrub(message: str, secrets: Sequence[str] = ()) -> str:
    """Error text safe to show a caller: known secrets, URL credentials and key=value secrets masked, host paths
    cut to their file names."""
    for secret in secrets:
        if len(secret) >= 4:
            message = message.replace(secret, "***")
    message = _URL_CREDENTIALS.sub(r"\1***@", message)
    message = _SECRET_ASSIGNMENT.sub(r"\1=***", message)
    message = _BEARER.sub("Bearer ***", message)
    return _ABSOLUTE_PATH.sub(lambda m: m.group("name") or "/", message)


def _step(run: TaskRun) -> StepStatus:
    duration = run.total_run_time.total_seconds() if run.total_run_time else None
    return StepStatus(name=run.name, state=(run.state.name if run.state else None) or "Pending", duration_s=duration)


async def video_link(client: PrefectClient, flow_run_id: UUID) -> str | None:
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
