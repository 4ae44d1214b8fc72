"""prefect.yaml and prefect.docker.yaml, checked without a server: entrypoints load, parameters validate."""

import inspect
import zoneinfo
from importlib import import_module

import pytest
from prefect.flows import load_flow_from_entrypoint
from prefect.schedules import Cron
from prefect_docker.worker import DockerWorker

from deployments.serve import deployment_specs, runner_deployment
from tests.deploy.conftest import PROJECT_DIR, load_yaml

PROCESS = load_yaml("prefect.yaml")
DOCKER = load_yaml("prefect.docker.yaml")
REQUIRED = {"prompt": "a test prompt"}


@pytest.mark.parametrize("spec", PROCESS["deployments"] + DOCKER["deployments"], ids=lambda s: s["name"])
def test_entrypoint_loads_and_parameters_validate(spec: dict) -> None:
    flow = load_flow_from_entrypoint(str(PROJECT_DIR / spec["entrypoint"]))
    parameters = spec.get("parameters") or {}
    required = {k: v for k, v in REQUIRED.items() if k in inspect.signature(flow.fn).parameters}
    if "timeline" not in inspect.signature(flow.fn).parameters:
        flow.validate_parameters({**required, **parameters})
    assert set(parameters) <= set(inspect.signature(flow.fn).parameters)


def test_deployment_names_are_unique_per_flow() -> None:
    pairs = [
        (load_flow_from_entrypoint(str(PROJECT_DIR / s["entrypoint"])).name, s["name"]) for s in PROCESS["deployments"]
    ]
    assert len(pairs) == len(set(pairs))
    assert ("prompt-to-video", "default") in pairs and ("compose-video", "compose") in pairs


def test_the_scheduled_batch_has_a_valid_cron_and_timezone() -> None:
    [nightly] = [s for s in PROCESS["deployments"] if s.get("schedules")]
    assert nightly["entrypoint"] == "flows/batch.py:batch_videos"
    for schedule in nightly["schedules"]:
        zoneinfo.ZoneInfo(schedule["timezone"])
        Cron(schedule["cron"], timezone=schedule["timezone"])  # validates the expression


def test_process_file_has_no_build_steps_so_deploy_all_needs_no_docker() -> None:
    assert PROCESS["build"] is None and PROCESS["push"] is None
    assert {s["work_pool"]["name"] for s in PROCESS["deployments"]} == {"p2v-process", "p2v-compose"}


def test_two_pools_points_compose_at_the_compose_deployment() -> None:
    [two_pools] = [s for s in PROCESS["deployments"] if s["name"] == "two-pools"]
    target = two_pools["work_pool"]["job_variables"]["env"]["P2V_COMPOSE_DEPLOYMENT"]
    [compose] = [s for s in PROCESS["deployments"] if s["name"] == "compose"]
    flow = load_flow_from_entrypoint(str(PROJECT_DIR / compose["entrypoint"]))
    assert target == f"{flow.name}/{compose['name']}" and compose["work_pool"]["name"] == "p2v-compose"


def test_docker_steps_exist_and_accept_their_arguments() -> None:
    for section in ("build", "push"):
        for step in DOCKER[section]:
            [(path, arguments)] = step.items()
            module, name = path.rsplit(".", 1)
            function = getattr(import_module(module), name)
            accepted = set(inspect.signature(function).parameters)
            assert set(arguments) - {"id", "requires"} <= accepted, path


def test_docker_job_variables_are_docker_worker_variables_and_match_the_stack(env_sample: dict) -> None:
    variables = DockerWorker.get_default_base_job_template()["variables"]["properties"]
    compose = load_yaml("docker-compose.yml")
    for spec in DOCKER["deployments"]:
        job = spec["work_pool"]["job_variables"]
        assert set(job) <= set(variables)
        assert job["networks"] == [compose["networks"]["default"]["name"]]
        assert [v.split(":")[0] for v in job["volumes"]] == [compose["volumes"]["p2v-data"]["name"]]
    assert {"P2V_IMAGE", "P2V_IMAGE_TAG"} <= set(env_sample)


def test_serve_uses_the_prefect_yaml_deployments_it_can_run_in_one_process() -> None:
    specs = deployment_specs()
    assert [s["name"] for s in specs] == [s["name"] for s in PROCESS["deployments"] if s["name"] != "two-pools"]
    [nightly] = [runner_deployment(s) for s in specs if s["name"] == "nightly"]
    assert nightly.schedules[0].schedule.cron == "0 6 * * *" and nightly.parameters["limit"] == 20
