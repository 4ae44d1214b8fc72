import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.settings import Settings
from tests.fakes import DEPOSIT_KEY, OPENAI_KEY, PEXELS_KEY, PIXABAY_KEY, FakeAPI, make_media


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One real Prefect API (ephemeral, on SQLite) for the whole session, with PREFECT_HOME in a temp dir."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def fake_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_media(tmp_path_factory.mktemp("fake-media"))


@pytest.fixture(scope="session")
def fake_server(fake_media: Path) -> Iterator[FakeAPI]:
    api = FakeAPI(fake_media)
    yield api
    api.close()


@pytest.fixture
def fake_api(fake_server: FakeAPI) -> Iterator[FakeAPI]:
    """The session's fake server, with faults, catalogue and request log reset for each test."""
    fake_server.reset()
    fake_server.catalogue = []
    yield fake_server
    fake_server.reset()


def fake_settings(api: FakeAPI, data_dir: Path, **overrides: object) -> Settings:
    """Settings pointing every provider at the fake server, with fast retries."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "media_dir": data_dir / "no-local-media",
        "OPENAI_API_KEY": OPENAI_KEY,
        "OPENAI_BASE_URL": f"{api.url}/v1",
        "PEXELS_API_KEY": PEXELS_KEY,
        "PIXABAY_API_KEY": PIXABAY_KEY,
        "DEPOSITPHOTOS_API_KEY": DEPOSIT_KEY,
        "pexels_base_url": f"{api.url}/pexels",
        "pixabay_base_url": f"{api.url}/pixabay",
        "depositphotos_base_url": f"{api.url}/depositphotos",
        "http_backoff_s": 0.01,
        "http_timeout_s": 2.0,
        "embedder": "keywords",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]
