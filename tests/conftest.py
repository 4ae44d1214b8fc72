"""Test-wide isolation: a private Prefect home, data and output folders; no network, no analytics."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_ROOT = Path(tempfile.mkdtemp(prefix="p2vt", dir="/tmp"))
os.environ.update(
    PREFECT_HOME=str(_ROOT / "prefect"),
    PREFECT_SERVER_ANALYTICS_ENABLED="false",
    PREFECT_API_URL="",
    P2V_DATA_DIR=str(_ROOT / "d"),
    P2V_OUTPUT_DIR=str(_ROOT / "output"),
    P2V_MEDIA_DIR=str(_ROOT / "media"),
)
for key in ("OPENAI_API_KEY", "PEXELS_API_KEY", "PIXABAY_API_KEY", "DEPOSITPHOTOS_API_KEY"):
    os.environ.pop(key, None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server (SQLite) for every test that runs a flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Fresh Settings pointing at this test's own folders."""
    from services.settings import get_settings

    monkeypatch.setenv("P2V_OUTPUT_DIR", str(tmp_path / "output"))
    monkeypatch.setenv("P2V_MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def fake_youtube():
    """A fresh fake YouTube API + OAuth server on loopback (tests/fakes/youtube.py)."""
    from tests.fakes.youtube import serve_fake_youtube

    with serve_fake_youtube() as fake:
        yield fake
