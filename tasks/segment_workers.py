"""Segments rendered by Prefect task workers: submitted with `.delay(...)` here, run by `p2v worker segments` anywhere.

A background task run's parameters are written by the submitting process and read by the worker that picks the run
up, in Prefect's task scheduling storage; its result is written by the worker to the task's result storage and read
back by the submitter. Both are the results block of P2V_STORAGE_URL (`remote-file-system/p2v-results-...`), and the
steps hand each other object URIs (tasks/segment_storage.py), so no machine needs a folder of another.
"""

import contextlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from prefect import Task
from prefect.client.orchestration import get_client
from prefect.exceptions import PrefectHTTPStatusError
from prefect.futures import PrefectDistributedFuture
from prefect.settings import PREFECT_TASKS_SCHEDULING_DEFAULT_STORAGE_BLOCK, temporary_settings
from prefect.states import Cancelled

from services.compose.segmented import render_order
from services.compose.segments import SegmentedPlan
from services.exceptions import StepError
from services.models import ArtifactRef, Timeline
from services.settings import get_settings
from tasks.compose_segments import render_segment, render_sound
from tasks.resume import result_storage
from tasks.segment_storage import StoredSegment

WORKER_COMMAND = "p2v worker segments"
WORKERS_HINT = (
    f"(P2V_SEGMENT_RUNNER=task-workers): run `{WORKER_COMMAND}` with this P2V_STORAGE_URL and PREFECT_API_URL and "
    "the same version of the code"
)
POLL_S = 5.0
"""How often a waiting compose run looks at its runs and at the workers serving them."""


def served_steps() -> list[Task[..., Any]]:
    """What a segment worker serves. The sound track's result goes to the bucket as well (render_segment's does
    already), since the process that waits for it is on another machine."""
    return [render_segment, render_sound.with_options(persist_result=True, result_storage=result_storage())]


@contextmanager
def scheduling_storage() -> Iterator[None]:
    """Background task runs' parameters in the results block, where a worker on another machine reads them."""
    with temporary_settings(updates={PREFECT_TASKS_SCHEDULING_DEFAULT_STORAGE_BLOCK: result_storage()}):
        yield


def render_on_task_workers(timeline: Timeline, plan: SegmentedPlan) -> tuple[list[StoredSegment], ArtifactRef]:
    """The segments (costliest first) and the sound track as background task runs; their results once all are done.

    Call `check_workers_serving` first, before any other work.
    """
    with scheduling_storage():
        sound = render_sound.delay(timeline)
        segments = {f"segment {job.index}": render_segment.delay(job) for job in render_order(plan)}
    settings = get_settings()
    done = wait_all({"sound track": sound, **segments}, settings.task_timeout_s, settings.task_worker_grace_s)
    return [done[f"segment {job.index}"] for job in plan.jobs], done["sound track"]


def served_keys() -> dict[str, str]:
    """Task key -> name of the steps a segment worker serves, as the submitting process computes them."""
    return {step.task_key: step.name for step in (render_segment, render_sound)}


def unserved_steps() -> list[str]:
    """The names of the served steps no task worker subscribed to the Prefect API serves now.

    A worker serves a task by its key (its name and source), so a worker running other code than this process counts
    as missing too.
    """
    steps = served_keys()
    with get_client(sync_client=True) as client:
        response = client.request("POST", "/task_workers/filter", json={"task_worker_filter": {"task_keys": [*steps]}})
        response.raise_for_status()
    served = {key for worker in response.json() for key in worker["task_keys"]}
    return [name for key, name in steps.items() if key not in served]


def check_workers_serving() -> None:
    """Before anything is submitted: a run no worker serves would wait until the timeout."""
    if missing := unserved_steps():
        raise StepError("compose", f"no task worker serves {', '.join(missing)} {WORKERS_HINT}")


def wait_all(futures: dict[str, PrefectDistributedFuture[Any]], timeout_s: float, grace_s: float) -> dict[str, Any]:
    """Each future's result (a failed run raises its error).

    Fails, named, instead of waiting for workers that have gone: when no worker has served the steps for `grace_s`
    (a worker restarting is given that long), or when a run is still unfinished after `timeout_s` in all. Runs not
    yet started are then cancelled, so that a worker coming later does not render for a failed compose run.
    """
    watch = WorkerWatch(grace_s, time.monotonic() + timeout_s, timeout_s)
    results: dict[str, Any] = {}
    try:
        for name, future in futures.items():
            results[name] = wait_one(name, future, watch, unfinished=len(futures) - len(results))
    except Exception:
        with contextlib.suppress(httpx.HTTPError, PrefectHTTPStatusError):  # the step's own error is the one to see
            cancel_scheduled([future for name, future in futures.items() if name not in results])
        raise
    return results


def wait_one(name: str, future: PrefectDistributedFuture[Any], watch: "WorkerWatch", unfinished: int) -> Any:
    """The run's result (or its error, a step's timeout included) once final; looking at the workers meanwhile."""
    while True:
        future.wait(timeout=min(POLL_S, max(watch.deadline - time.monotonic(), 1.0)))
        if future.state.is_final():
            return future.result()
        if time.monotonic() >= watch.deadline:
            raise StepError(
                "compose", f"{name}: not rendered by a task worker within {watch.timeout_s:g} s (P2V_TASK_TIMEOUT_S)"
            )
        watch.check(unfinished)


class WorkerWatch:
    """The compose run's deadline, whether a worker serves the steps, and how long since none did."""

    def __init__(self, grace_s: float, deadline: float, timeout_s: float) -> None:
        self.grace_s, self.deadline, self.timeout_s = grace_s, deadline, timeout_s
        self.unserved_since: float | None = None

    def check(self, unfinished: int) -> None:
        missing = unserved_steps()
        if not missing:
            self.unserved_since = None
            return
        self.unserved_since = self.unserved_since or time.monotonic()
        if time.monotonic() - self.unserved_since >= self.grace_s:
            raise StepError(
                "compose",
                f"{unfinished} run(s) unfinished and no task worker serves {', '.join(missing)} any more "
                f"(none for {self.grace_s:g} s, P2V_TASK_WORKER_GRACE_S) {WORKERS_HINT}",
            )


def cancel_scheduled(futures: list[PrefectDistributedFuture[Any]]) -> None:
    """Cancel the runs still waiting for a worker (a run being rendered is left to finish)."""
    with get_client(sync_client=True) as client:
        for future in futures:
            run = client.read_task_run(future.task_run_id)
            if run.state is not None and run.state.is_scheduled():
                client.set_task_run_state(future.task_run_id, Cancelled(message="compose step failed"), force=True)
