"""Segments rendered by Prefect task workers: submitted with `.delay(...)` here, run by `p2v worker segments` anywhere.

A background task run's parameters are written by the submitting process and read by the worker that picks the run
up, in Prefect's task scheduling storage; its result is written by the worker to the task's result storage and read
back by the submitter. Both are the results block of P2V_STORAGE_URL (`remote-file-system/p2v-results-...`), and the
steps hand each other object URIs (tasks/segment_storage.py), so no machine needs a folder of another.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect import Task
from prefect.client.orchestration import get_client
from prefect.futures import PrefectDistributedFuture
from prefect.settings import PREFECT_TASKS_SCHEDULING_DEFAULT_STORAGE_BLOCK, temporary_settings

from services.compose.segmented import render_order
from services.compose.segments import SegmentedPlan
from services.exceptions import StepError
from services.models import ArtifactRef, Timeline
from services.settings import get_settings
from tasks.compose_segments import render_segment, render_sound
from tasks.resume import result_storage
from tasks.segment_storage import StoredSegment

WORKER_COMMAND = "p2v worker segments"


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
    done = wait_all({"sound track": sound, **segments}, get_settings().task_timeout_s)
    return [done[f"segment {job.index}"] for job in plan.jobs], done["sound track"]


def check_workers_serving() -> None:
    """Before anything is submitted: a run no worker serves would wait until the timeout.

    A worker serves a task by its key (its name and source), so a worker running other code than this process counts
    as missing too.
    """
    steps = {step.task_key: step.name for step in (render_segment, render_sound)}
    with get_client(sync_client=True) as client:
        response = client.request("POST", "/task_workers/filter", json={"task_worker_filter": {"task_keys": [*steps]}})
        response.raise_for_status()
    served = {key for worker in response.json() for key in worker["task_keys"]}
    if missing := [name for key, name in steps.items() if key not in served]:
        raise StepError(
            "compose",
            f"no task worker serves {', '.join(missing)} (P2V_SEGMENT_RUNNER=task-workers): run `{WORKER_COMMAND}` "
            "with this P2V_STORAGE_URL and PREFECT_API_URL and the same version of the code",
        )


def wait_all(futures: dict[str, PrefectDistributedFuture[Any]], timeout_s: float) -> dict[str, Any]:
    """Each future's result (a failed run raises its error); a run still unfinished after `timeout_s` in all fails,
    named, instead of waiting for a worker that may have gone."""
    deadline = time.monotonic() + timeout_s
    results: dict[str, Any] = {}
    for name, future in futures.items():
        try:
            results[name] = future.result(timeout=max(deadline - time.monotonic(), 1.0))
        except TimeoutError:
            raise StepError(
                "compose", f"{name}: not rendered by a task worker within {timeout_s:g} s (P2V_TASK_TIMEOUT_S)"
            ) from None
    return results
