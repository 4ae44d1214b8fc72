"""Runs of a deployment started from inside a flow: named at creation, their placeholder step named too."""

import time
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment

POLL_INTERVAL_S = 2.0


def start_named_run(deployment: str, parameters: dict[str, Any], name: str) -> FlowRun:
    """Create a run of `deployment` called `name` (not a random name until it starts) and return at once.

    `run_deployment` puts a placeholder task run in the calling flow for the child; it gets the same name, so the
    parent's timeline says what it waits for.
    """
    run: FlowRun = run_deployment(deployment, parameters=parameters, flow_run_name=name, timeout=0)
    if run.parent_task_run_id is not None:
        with get_client(sync_client=True) as client:
            client.set_task_run_name(run.parent_task_run_id, name)
    return run


def wait_for_run(flow_run_id: Any, poll_interval_s: float = POLL_INTERVAL_S) -> FlowRun:
    """Poll until the run reaches a final state (workers, pools and their limits decide when it starts)."""
    with get_client(sync_client=True) as client:
        while True:
            run = client.read_flow_run(flow_run_id)
            if run.state is not None and run.state.is_final():
                return run
            time.sleep(poll_interval_s)


def run_named(deployment: str, parameters: dict[str, Any], name: str) -> FlowRun:
    """Start a named run of `deployment` and wait for its final state."""
    return wait_for_run(start_named_run(deployment, parameters, name).id)
