"""The Dockerfile installs this project from pyproject.toml and nothing else, on the Python the project needs."""

import re
import tomllib

from tests.deploy.conftest import PROJECT_DIR

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1]) for line in lines]


def test_base_image_is_pinned_and_matches_requires_python(dockerfile: str) -> None:
    [base] = [arg for op, arg in _instructions(dockerfile) if op == "FROM"]
    match = re.fullmatch(r"python:(3\.(\d+))\.\d+-slim-\w+", base)
    assert match, f"{base} is not a pinned python:X.Y.Z-slim-<distro> image"
    assert PYPROJECT["project"]["requires-python"] == f">={match.group(1)}"


def test_the_only_pip_install_is_the_project_with_extras_it_declares(dockerfile: str) -> None:
    installs = [arg for op, arg in _instructions(dockerfile) if op == "RUN" and "pip install" in arg]
    assert len(installs) == 1
    targets = installs[0].split("pip install", 1)[1].split()
    assert len(targets) == 1, f"pip installs more than the project: {targets}"
    match = re.fullmatch(r"\"?\.(\[([\w,-]+)\])?\"?", targets[0])
    assert match, targets[0]
    extras = set((match.group(2) or "").split(",")) - {""}
    assert extras <= set(PYPROJECT["project"]["optional-dependencies"]) and "dev" not in extras


def test_the_whole_project_is_copied_before_installing_and_secrets_stay_out(dockerfile: str) -> None:
    ops = [op for op, _ in _instructions(dockerfile)]
    assert ops.index("COPY") < ops.index("RUN", ops.index("COPY"))
    ignored = (PROJECT_DIR / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", ".p2v"} <= set(ignored)
    assert ("USER", "p2v") in _instructions(dockerfile)


def test_workdir_is_where_deployments_expect_the_code(dockerfile: str) -> None:
    from tests.deploy.conftest import load_yaml

    [workdir] = [arg for op, arg in _instructions(dockerfile) if op == "WORKDIR"]
    pull = load_yaml("prefect.docker.yaml")["pull"]
    assert pull == [{"prefect.deployments.steps.set_working_directory": {"directory": workdir}}]
