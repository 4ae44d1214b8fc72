"""Parsed stack files, shared by the static checks (no Docker engine, no Prefect server)."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]


def load_yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load((PROJECT_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    return load_yaml("docker-compose.yml")


@pytest.fixture(scope="session")
def env_sample() -> dict[str, str]:
    """KEY=VALUE lines of .env.sample (commented-out keys included, with an empty value)."""
    pairs = re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=([^\s#]*)", (PROJECT_DIR / ".env.sample").read_text(), re.MULTILINE)
    return dict(pairs)


@pytest.fixture(scope="session")
def dockerfile() -> str:
    return (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8")
