"""Serve the deployments of prefect.yaml from this one process: no work pools or workers needed.

    python -m deployments.serve          # or: p2v serve

Names, parameters and schedules come from prefect.yaml, so both ways of running stay in step. Each flow run
still gets its own subprocess, with this process's environment: entries that set an `env` job variable
(two-pools) are skipped; export P2V_COMPOSE_DEPLOYMENT=compose-video/compose before serving to get the same split.

Serving beside `prefect deploy`: a deployment of the same name that runs on a work pool was not made here, so it
is left alone (not served, not rewritten, not paused when serving stops); the others are served. Serving nothing
at all is an error that names the deployments in the way.
"""

from pathlib import Path
from typing import Any

import yaml
from prefect import serve
from prefect.client.orchestration import get_client
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import ObjectNotFound
from prefect.flows import load_flow_from_entrypoint
from prefect.schedules import Cron

PROJECT_DIR = Path(__file__).resolve().parent.parent
PREFECT_YAML = PROJECT_DIR / "prefect.yaml"
SERVED_TAG = "served"


class DeployedElsewhere(RuntimeError):
    """Every deployment serve would register exists on a work pool already (made by `prefect deploy`)."""


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
        tags=[*(spec.get("tags") or []), SERVED_TAG],
        parameters=spec.get("parameters") or {},
        schedules=crons or None,
    )


def on_work_pools(names: list[str]) -> dict[str, str]:
    """Of these deployment names (flow/name), those the server has on a work pool, with the pool's name.

    Serve registers deployments without a work pool, so one with a pool was made by `prefect deploy`.
    """
    taken: dict[str, str] = {}
    with get_client(sync_client=True) as client:
        for name in names:
            try:
                existing = client.read_deployment_by_name(name)
            except ObjectNotFound:
                continue
            if existing.work_pool_name:
                taken[name] = existing.work_pool_name
    return taken


def servable(deployments: list[RunnerDeployment]) -> list[RunnerDeployment]:
    """The deployments serve may register: none that would overwrite a deployed one (each of those is reported)."""
    taken = on_work_pools([d.full_name for d in deployments])
    for name, pool in taken.items():
        print(f"Not serving {name}: it is deployed on work pool {pool!r} (prefect deploy); its workers run it.")
    free = [d for d in deployments if d.full_name not in taken]
    if not free:
        raise DeployedElsewhere(
            f"Nothing to serve: {', '.join(sorted(taken))} are deployed on work pools on this server. "
            "Start workers for those pools, or serve against another Prefect server (PREFECT_API_URL)."
        )
    return free


DEFAULT_LIMIT = 2


def serve_all(*, limit: int | None = DEFAULT_LIMIT, schedules: bool = True) -> None:
    """Register the deployments that are not deployed on work pools and run their flow runs here until interrupted.

    What Prefect does when serving stops (pausing the served deployments' schedules) touches only what was
    registered here: tests/ops/test_serve_beside_deploy.py.
    """
    deployments = [runner_deployment(spec, schedules=schedules) for spec in deployment_specs()]
    serve(*servable(deployments), limit=limit)


if __name__ == "__main__":
    serve_all()
