"""Serve the deployments of prefect.yaml from this one process: no work pools or workers needed.

    python -m deployments.serve          # or: p2v serve

Names, parameters and schedules come from prefect.yaml, so both ways of running stay in step. Each flow run
still gets its own subprocess, with this process's environment: entries that set an `env` job variable
(two-pools) are skipped; export P2V_COMPOSE_DEPLOYMENT=compose-video/compose before serving to get the same split.
"""

from pathlib import Path
from typing import Any

import yaml
from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import load_flow_from_entrypoint
from prefect.schedules import Cron

PROJECT_DIR = Path(__file__).resolve().parent.parent
PREFECT_YAML = PROJECT_DIR / "prefect.yaml"


def deployment_specs(prefect_yaml: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The deployments of prefect.yaml that `serve` can run as they are (no per-deployment environment)."""
    specs = yaml.safe_load(prefect_yaml.read_text(encoding="utf-8"))["deployments"]
    return [s for s in specs if not (s.get("work_pool") or {}).get("job_variables", {}).get("env")]


def runner_deployment(spec: dict[str, Any], *, schedules: bool = True) -> RunnerDeployment:
    """One prefect.yaml deployment entry as a deployment served by this process."""
    flow = load_flow_from_entrypoint(str(PROJECT_DIR / spec["entrypoint"]))
    crons = [
        Cron(s["cron"], timezone=s.get("timezone"), active=s.get("active", True))
        for s in spec.get("schedules") or []
        if schedules
    ]
    return flow.to_deployment(
        name=spec["name"],
        description=spec.get("description"),
        tags=spec.get("tags"),
        parameters=spec.get("parameters") or {},
        schedules=crons or None,
    )


DEFAULT_LIMIT = 2


def serve_all(*, limit: int | None = DEFAULT_LIMIT, schedules: bool = True) -> None:
    """Register the deployments and run their flow runs here until interrupted."""
    deployments = [runner_deployment(spec, schedules=schedules) for spec in deployment_specs()]
    serve(*deployments, limit=limit)


if __name__ == "__main__":
    serve_all()
