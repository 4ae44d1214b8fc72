"""Fault-suite fixtures: a private short data folder, and readers of what a run left behind.

The flow pointed at the fake stock/OpenAI servers is `stock_env` in tests/conftest.py.
"""

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def forget_database() -> None:
    """Drop the process-wide store (the ledger shares its engine): the next use opens the configured database."""
    from prompt_store import get_store

    get_store.cache_clear()


@pytest.fixture
def fresh_store() -> Iterator[None]:
    """The process-wide store built inside the test, from its settings (an API key it sets, say), and dropped after."""
    forget_database()
    yield
    forget_database()


@pytest.fixture
def short_dir(fresh_store: None) -> Iterator[Path]:
    """A folder with a short path: an embedded Postgres keeps its socket in the data folder.

    Uses `fresh_store`: the process-wide store and ledger must not outlive a database kept in this folder."""
    path = Path(tempfile.mkdtemp(prefix="p2vf", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_records(flow_run_id) -> dict[str, list[str]]:  # noqa: ANN001
    """What the Prefect API holds about a run: log lines, artifacts, the flow run and its task runs (as JSON)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
        flow_run = client.read_flow_run(flow_run_id)
        task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {
        "logs": [log.message for log in logs],
        "artifacts": [json.dumps([a.key, a.description, a.data]) for a in artifacts],
        "flow_run": [flow_run.model_dump_json()],
        "task_runs": [t.model_dump_json() for t in task_runs],
    }


def failed_task_names(flow_run_id) -> list[str]:  # noqa: ANN001
    runs = [json.loads(t) for t in run_records(flow_run_id)["task_runs"]]
    return [run["name"] for run in runs if run["state"] and run["state"]["type"] == "FAILED"]


def files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]
