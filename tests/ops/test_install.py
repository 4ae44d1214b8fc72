"""The default install stays light on a machine without a GPU: torch's CPU build, no nvidia packages."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
BOOTSTRAP = PROJECT_DIR / "scripts" / "bootstrap.sh"


def bootstrap_setting(name: str) -> str:
    match = re.search(rf'^{name}="([^"]+)"$', BOOTSTRAP.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert match, f"{name} not set in scripts/bootstrap.sh"
    return match.group(1)


def test_bootstrap_pins_the_torch_of_pyproject() -> None:
    dependencies = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [pin] = [d for d in dependencies["dependencies"] if re.match(r"torch\b", d)]
    assert pin == f"torch=={bootstrap_setting('TORCH_VERSION')}"
    assert bootstrap_setting("CPU_INDEX").endswith("/whl/cpu")


def test_bootstrap_script_is_valid_bash() -> None:
    done = subprocess.run(["bash", "-n", str(BOOTSTRAP)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_torch_from_the_bootstrap_index_is_the_cpu_build(tmp_path: Path) -> None:
    """What pip would install for torch the way bootstrap asks for it (resolved, nothing installed)."""
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
    command += ["--report", str(report), "--timeout", "20", "--retries", "1"]
    command += ["--index-url", bootstrap_setting("CPU_INDEX"), f"torch=={bootstrap_setting('TORCH_VERSION')}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"torch's CPU index is not reachable from here: {done.stderr[-300:]}")
    installs = {
        p["metadata"]["name"].lower(): p["metadata"]["version"] for p in json.loads(report.read_text())["install"]
    }
    assert installs["torch"].endswith("+cpu")
    assert not [name for name in installs if name.startswith(("nvidia-", "triton"))]
